"""The "Therapists" group and what its members may do in the Wagtail admin.

Kept in code and given after a migrate, each permission once (recorded by name in
GroupGrant): a permission added by a later feature reaches existing installations without a
hand-made data migration, and one the owner took away in Settings → Groups stays away.
"""

from django.contrib.auth.models import Group, Permission
from django.db import connections

from .models import THERAPISTS_GROUP, GroupGrant

# (app_label, codename) pairs every therapist holds.
THERAPIST_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("clients", "add_client"),
    ("clients", "change_client"),
    ("clients", "view_client"),
    ("clients", "delete_client"),
    ("clients", "add_couple"),
    ("clients", "change_couple"),
    ("clients", "view_couple"),
    ("clients", "delete_couple"),
    ("clients", "view_auditevent"),
    ("clients", "change_portalsettings"),
    ("blog", "add_author"),
    ("blog", "change_author"),
    ("blog", "view_author"),
    ("homework", "add_practice"),
    ("homework", "change_practice"),
    ("homework", "view_practice"),
    ("homework", "add_assignment"),
    ("homework", "change_assignment"),
    ("homework", "view_assignment"),
    ("homework", "view_reflection"),
    ("homework", "add_sessionsummary"),
    ("homework", "view_sessionsummary"),
]

# Page permissions on the site's home page and below.
THERAPIST_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def ensure_therapists_group(using="default", **kwargs):
    """The Therapists group, with each of its permissions given once (see GroupGrant).

    Runs after every migrate: a permission only exists once its app's own post_migrate has
    run, so one not found yet is given the next time.
    """
    from wagtail.models import GroupPagePermission, Page

    if GroupGrant._meta.db_table not in connections[using].introspection.table_names():
        return None  # migrated back to before grants were recorded
    group, _ = Group.objects.get_or_create(name=THERAPISTS_GROUP)
    given = set(GroupGrant.objects.filter(group=group).values_list("name", flat=True))

    for app_label, codename in THERAPIST_PERMISSIONS:
        name = f"{app_label}.{codename}"
        if name in given:
            continue
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:
            group.permissions.add(perm)
            GroupGrant.objects.create(group=group, name=name)

    home = Page.objects.filter(depth=2).first()
    if home is not None:
        for codename in THERAPIST_PAGE_PERMISSIONS:
            name = f"page.{codename}"
            if name in given:
                continue
            perm = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if perm is not None:
                GroupPagePermission.objects.get_or_create(group=group, page=home, permission=perm)
                GroupGrant.objects.create(group=group, name=name)
    return group
