import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from homework.models import SessionSummary


def test_private_files_follow_the_private_root_setting(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "elsewhere"
    name = storages["private"].save("summaries/x.pdf", ContentFile(b"%PDF-1.7"))
    assert (tmp_path / "elsewhere" / name).read_bytes() == b"%PDF-1.7"


def test_private_files_are_outside_media_root(settings):
    location = storages["private"].location
    assert not location.startswith(str(settings.MEDIA_ROOT))


def test_private_files_have_no_url():
    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url("summaries/x.pdf")


def test_session_summaries_are_stored_privately():
    assert SessionSummary._meta.get_field("file").storage is storages["private"]
