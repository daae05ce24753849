"""Clients stands on its own floor: other apps add to it through hooks and a signal.

clients/ imports nothing of homework/ and names none of its templates or URLs; homework
contributes the export's sections, the portal's dashboard panels and links, and answers
`client_moved` (see tests/homework/test_own_floor.py for what homework adds).
"""

import ast
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component

from clients.models import Client
from clients.navigation import PortalLink
from clients.signals import client_moved

pytestmark = pytest.mark.django_db

CLIENTS_DIR = Path(__file__).resolve().parents[2] / "clients"


def _imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_clients_imports_nothing_from_homework():
    reaching_up = [
        f"{path.relative_to(CLIENTS_DIR)}: {module}"
        for path in CLIENTS_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if module == "homework" or module.startswith("homework.")
    ]
    assert reaching_up == []


def test_clients_templates_name_no_homework_template_or_url():
    reaching_up = [
        f"{path.relative_to(CLIENTS_DIR)}: {match}"
        for path in CLIENTS_DIR.rglob("*.html")
        for match in re.findall(r"[\"']homework[/:][^\"']*[\"']", path.read_text())
    ]
    assert reaching_up == []


# --- Moving a client: a signal -----------------------------------------------------------------


@pytest.fixture
def moves():
    heard = []

    def listen(sender, client, previous_therapist_id, **kwargs):
        heard.append((sender, client.pk, client.therapist_id, previous_therapist_id))

    client_moved.connect(listen, dispatch_uid="test_moves")
    yield heard
    client_moved.disconnect(dispatch_uid="test_moves")


def test_moving_a_client_to_another_therapist_sends_client_moved(
    moves, therapist, other_therapist, client_profile
):
    client_profile.therapist = other_therapist
    client_profile.save()

    assert moves == [(Client, client_profile.pk, other_therapist.pk, therapist.pk)]


def test_saving_a_client_who_stays_with_their_therapist_sends_nothing(moves, client_profile):
    client_profile.full_name = "Jordan Lee-Smith"
    client_profile.save()

    assert moves == []


def test_adding_a_client_sends_no_move(moves, client_profile):
    assert moves == []


# --- The data export: sections from other apps --------------------------------------------------


def test_other_apps_add_their_sections_to_each_profile_in_the_export(portal_client, client_profile):
    def section(client):
        return {"garden": f"planted by {client.full_name}"}

    with hooks.register_temporarily("client_export_sections", section):
        data = json.loads(portal_client.post(reverse("portal:data")).content)

    assert data["garden"] == "planted by Jordan Lee"
    assert data["profile"]["email"] == client_profile.email  # clients' own part is still there


# --- The portal: dashboard panels and navigation links ------------------------------------------


class GreetingPanel(Component):
    def __init__(self, text, order):
        self.text, self.order = text, order

    def render_html(self, parent_context=None):
        return format_html("<p>{} {}</p>", self.text, parent_context["request"].client.display_name)


def test_other_apps_add_panels_to_the_portal_dashboard_in_their_order(portal_client):
    def second(request):
        return GreetingPanel("Second for", order=20)

    def first(request):
        return GreetingPanel("First for", order=10)

    def no_panel(request):
        return None

    with (
        hooks.register_temporarily("portal_dashboard_panels", second),
        hooks.register_temporarily("portal_dashboard_panels", first),
        hooks.register_temporarily("portal_dashboard_panels", no_panel),
    ):
        content = portal_client.get(reverse("portal:dashboard")).content.decode()

    assert "<p>First for Jordan</p>" in content
    assert content.index("First for Jordan") < content.index("Second for Jordan")


def test_other_apps_add_links_to_the_portal_navigation_in_their_order(portal_client):
    def garden_link(request):
        return PortalLink("Garden", "/portal/garden/", order=150)

    with hooks.register_temporarily("portal_navigation_items", garden_link):
        content = portal_client.get(reverse("portal:dashboard")).content.decode()

    profile = f'href="{reverse("portal:profile")}"'
    assert 'href="/portal/garden/">Garden</a>' in content
    assert content.index('href="/portal/garden/"') < content.index(profile)


def test_the_link_to_the_page_shown_is_marked_current(portal_client):
    content = portal_client.get(reverse("portal:profile")).content.decode()

    assert f'href="{reverse("portal:profile")}" aria-current="page"' in content
    assert f'href="{reverse("portal:dashboard")}" aria-current' not in content
