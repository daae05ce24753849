"""The Therapists group is given each of its permissions once; the owner's changes to it in
Settings → Groups stay as they are through every later migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from wagtail.models import GroupPagePermission

from clients import groups
from clients.groups import ensure_therapists_group
from clients.models import THERAPISTS_GROUP

pytestmark = pytest.mark.django_db


def therapists():
    return Group.objects.get(name=THERAPISTS_GROUP)


def holds(app_label, codename):
    return (
        therapists()
        .permissions.filter(content_type__app_label=app_label, codename=codename)
        .exists()
    )


def migrate_again():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_the_group_holds_every_permission_it_is_given(therapist):
    for app_label, codename in groups.THERAPIST_PERMISSIONS:
        assert holds(app_label, codename), f"{app_label}.{codename}"


def test_a_permission_the_owner_takes_away_stays_away_after_a_migrate(therapist):
    taken = Permission.objects.get(content_type__app_label="homework", codename="view_reflection")
    therapists().permissions.remove(taken)

    migrate_again()
    ensure_therapists_group()

    assert not holds("homework", "view_reflection")
    assert holds("homework", "add_assignment")  # the others are untouched


def test_a_page_permission_the_owner_takes_away_stays_away_after_a_migrate(therapist):
    GroupPagePermission.objects.filter(
        group=therapists(), permission__codename="publish_page"
    ).delete()

    migrate_again()

    assert not GroupPagePermission.objects.filter(
        group=therapists(), permission__codename="publish_page"
    ).exists()
    assert GroupPagePermission.objects.filter(
        group=therapists(), permission__codename="add_page"
    ).exists()


def test_a_permission_introduced_later_is_given_once(therapist, monkeypatch):
    later = [*groups.THERAPIST_PERMISSIONS, ("homework", "delete_assignment")]
    monkeypatch.setattr(groups, "THERAPIST_PERMISSIONS", later)
    assert not holds("homework", "delete_assignment")

    migrate_again()
    assert holds("homework", "delete_assignment")

    therapists().permissions.remove(
        Permission.objects.get(content_type__app_label="homework", codename="delete_assignment")
    )
    migrate_again()
    assert not holds("homework", "delete_assignment")
