"""`render_summary` on the command line, and the system checks for summaries."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from clients.models import AuditEvent
from homework import checks
from homework.models import SessionSummary
from practice_site import builders as b

NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_command_writes_the_couples_pdf_when_given_one_partner(couple, tmp_path):
    assignment = b.make_assignment(couple=couple, start_date=datetime.date(2026, 9, 22), weeks=3)
    b.make_reflection(assignment, couple.partner_b, 1, text="Sam's words for the command test.")
    output = tmp_path / "couple.pdf"
    out = io.StringIO()

    call_command(
        "render_summary",
        "--client",
        couple.partner_a.email.upper(),
        "--since",
        "2026-09-22",
        "--output",
        str(output),
        stdout=out,
    )

    reader = PdfReader(output)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert output.read_bytes().startswith(b"%PDF-")
    assert "Alex Rivera & Sam Rivera" in text
    assert "Sam's words for the command test." in text
    assert "Wrote" in out.getvalue()
    assert list(tmp_path.iterdir()) == [output]  # no partial file left
    assert not SessionSummary.objects.exists()
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert {e.client for e in exports} == set(couple.partners)


@pytest.mark.django_db
def test_command_names_an_unknown_email(tmp_path):
    with pytest.raises(
        CommandError, match=re.escape("No client has the e-mail address nobody@example.org")
    ):
        call_command(
            "render_summary", "--client", "nobody@example.org", "--output", str(tmp_path / "x.pdf")
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "14/10/2026"], "--since must be a date written YYYY-MM-DD"),
        (["--until", "2026-13-01"], "--until must be a date written YYYY-MM-DD"),
        (["--since", "2026-10-10", "--until", "2026-10-01"], "--since must be on or before"),
    ],
)
def test_command_explains_bad_dates(client_profile, tmp_path, args, message):
    output = tmp_path / "x.pdf"

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "render_summary", "--client", client_profile.email, *args, "--output", str(output)
        )

    assert not output.exists()


def test_retry_not_longer_than_timeout_is_an_error(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 120, "retry": 120}

    errors = checks.check_queue_retry_exceeds_timeout(None)

    assert [e.id for e in errors] == ["homework.E001"]
    assert "TASK_RETRY" in errors[0].hint


def test_the_default_retry_passes_the_check(settings):
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert checks.check_queue_retry_exceeds_timeout(None) == []


def test_missing_pango_is_a_warning_with_the_packages_to_install(monkeypatch):
    def no_pango():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(checks, "_load_weasyprint", no_pango)

    warnings = checks.check_weasyprint_libraries(None)

    assert [w.id for w in warnings] == ["homework.W001"]
    assert "libpango-1.0-0" in warnings[0].hint


def test_weasyprint_loads_on_this_machine():
    assert checks.check_weasyprint_libraries(None) == []
