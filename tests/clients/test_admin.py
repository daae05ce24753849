"""The therapist's admin pages: only her own clients, everywhere; detail panels; delete."""

import json

import pytest
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from clients.models import AuditEvent, Client, Couple, User
from homework.models import Reflection
from practice_site.builders import answers_for, make_assignment, make_client, make_practice

pytestmark = pytest.mark.django_db


def test_client_list_shows_only_her_own(therapist_client, client_profile, couple, outsider):
    content = therapist_client.get("/admin/clients/").content.decode()
    assert "Jordan Lee" in content
    assert "Alex Rivera" in content
    assert "Robin Outsider" not in content


def test_client_list_links_to_the_client_page(therapist_client, client_profile):
    content = therapist_client.get("/admin/clients/").content.decode()
    assert reverse("clients:detail", args=[client_profile.pk]) in content


def test_client_list_query_count_does_not_grow_with_clients(
    therapist_client, therapist, django_assert_max_num_queries
):
    for n in range(3):
        make_client(therapist, f"few{n}@example.org", f"Few Person{n}")
    with django_assert_max_num_queries(40) as few:
        therapist_client.get("/admin/clients/")
    for n in range(17):
        make_client(therapist, f"many{n}@example.org", f"Many Person{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        therapist_client.get("/admin/clients/")


def test_couple_list_shows_only_her_own(therapist_client, couple, other_therapist, outsider):
    second = make_client(other_therapist, "second@example.org", "Pat Second")
    Couple.objects.create(therapist=other_therapist, partner_a=outsider, partner_b=second)
    content = therapist_client.get("/admin/couples/").content.decode()
    assert "Alex &amp; Sam" in content
    assert "Robin" not in content


@pytest.mark.parametrize(
    "url",
    [
        "/admin/clients/{pk}/",
        "/admin/clients/edit/{pk}/",
        "/admin/clients/delete/{pk}/",
        "/admin/clients/history/{pk}/",
        "/admin/clients/usage/{pk}/",
    ],
)
def test_another_therapists_client_is_a_404(therapist_client, outsider, url):
    assert therapist_client.get(url.format(pk=outsider.pk)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/clients/edit/{pk}/",
        "/admin/clients/delete/{pk}/",
        "/admin/clients/{pk}/archive/",
        "/admin/clients/{pk}/invite/",
    ],
)
def test_another_therapists_client_cannot_be_changed_by_post(therapist_client, outsider, url):
    response = therapist_client.post(
        url.format(pk=outsider.pk),
        {"full_name": "Changed", "email": "x@example.org", "confirmation": "Robin Outsider"},
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.full_name == "Robin Outsider"
    assert not outsider.archived


def test_another_therapists_couple_is_a_404(therapist_client, other_therapist, outsider):
    second = make_client(other_therapist, "second@example.org", "Pat Second")
    theirs = Couple.objects.create(therapist=other_therapist, partner_a=outsider, partner_b=second)
    for url in ["/admin/couples/{pk}/", "/admin/couples/edit/{pk}/", "/admin/couples/delete/{pk}/"]:
        assert therapist_client.get(url.format(pk=theirs.pk)).status_code == 404


def test_the_client_chooser_lists_only_her_own(therapist_client, client_profile, outsider):
    response = therapist_client.get("/admin/client_chooser/")
    content = json.loads(response.content)["html"]
    assert "Jordan Lee" in content
    assert "Robin Outsider" not in content


def test_choosing_another_therapists_client_by_url_is_a_404(therapist_client, outsider):
    assert therapist_client.get(f"/admin/client_chooser/chosen/{outsider.pk}/").status_code == 404


def test_the_practice_owner_sees_every_therapists_clients(client, superuser, outsider):
    client.force_login(superuser)
    assert "Robin Outsider" in client.get("/admin/clients/").content.decode()
    assert client.get(f"/admin/clients/{outsider.pk}/").status_code == 200


def test_anonymous_is_sent_to_the_admin_sign_in(client, client_profile):
    response = client.get(f"/admin/clients/{client_profile.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_edit_changes_the_client_and_their_sign_in_email(therapist_client, client_profile):
    response = therapist_client.post(
        f"/admin/clients/edit/{client_profile.pk}/",
        {
            "full_name": "Jordan Lee-Smith",
            "preferred_name": "Jo",
            "email": "jo@example.org",
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 302
    client_profile.refresh_from_db()
    assert client_profile.full_name == "Jordan Lee-Smith"
    assert client_profile.user.email == "jo@example.org"


def test_archive_and_unarchive(therapist_client, client_profile):
    therapist_client.post(f"/admin/clients/{client_profile.pk}/archive/")
    client_profile.refresh_from_db()
    assert client_profile.archived
    therapist_client.post(f"/admin/clients/{client_profile.pk}/archive/")
    client_profile.refresh_from_db()
    assert not client_profile.archived


def test_a_couple_cannot_join_another_therapists_client(therapist_client, client_profile, outsider):
    response = therapist_client.post(
        "/admin/couples/new/", {"partner_a": client_profile.pk, "partner_b": outsider.pk}
    )
    assert response.status_code == 200
    assert not Couple.objects.filter(partner_a=client_profile).exists()
    assert "Robin Outsider" not in response.content.decode()


def test_a_couple_is_made_from_two_of_her_clients(therapist_client, therapist, client_profile):
    other = make_client(therapist, "casey@example.org", "Casey Morgan")
    response = therapist_client.post(
        "/admin/couples/new/", {"partner_a": client_profile.pk, "partner_b": other.pk}
    )
    couple = Couple.objects.get(partner_a=client_profile)
    assert response.url == f"/admin/couples/{couple.pk}/"
    assert couple.therapist == therapist


def test_client_page_shows_the_person_and_links_a_partner_to_the_couple(
    therapist_client, partner_a, couple
):
    content = therapist_client.get(f"/admin/clients/{partner_a.pk}/").content.decode()
    assert "Alex Rivera" in content
    assert partner_a.email in content
    assert f'href="/admin/couples/{couple.pk}/"' in content


class NotePanel(Component):
    def __init__(self, text, order):
        self.text, self.order = text, order

    def render_html(self, parent_context=None):
        return f"<p class='test-panel'>{self.text}</p>"


def test_other_apps_add_panels_to_the_client_and_couple_pages_in_order(
    therapist_client, client_profile, couple
):
    seen = []

    def late(request, client=None, couple=None):
        seen.append((client, couple))
        return NotePanel("second panel", order=200)

    def early(request, client=None, couple=None):
        return NotePanel("first panel", order=10)

    def nothing(request, client=None, couple=None):
        return None

    with (
        hooks.register_temporarily("client_detail_panels", late),
        hooks.register_temporarily("client_detail_panels", early),
        hooks.register_temporarily("client_detail_panels", nothing),
    ):
        content = therapist_client.get(f"/admin/clients/{client_profile.pk}/").content.decode()
        couple_content = therapist_client.get(f"/admin/couples/{couple.pk}/").content.decode()
    assert content.index("first panel") < content.index("second panel")
    assert "second panel" in couple_content
    assert seen == [(client_profile, None), (None, couple)]


def test_audit_trail_lists_only_her_clients_events_and_offers_no_edit(
    therapist_client, client_profile, outsider, other_therapist
):
    from clients.audit import record

    record(None, AuditEvent.Action.VIEW, client=client_profile, actor=client_profile.user)
    record(None, AuditEvent.Action.VIEW, client=outsider, actor=other_therapist)
    response = therapist_client.get("/admin/audit/")
    content = response.content.decode()
    assert response.status_code == 200
    assert client_profile.email in content
    assert other_therapist.email not in content
    assert "/admin/audit/edit/" not in content
    assert "/admin/audit/delete/" not in content


def test_the_audit_trail_page_is_titled_as_its_menu_item(therapist_client):
    content = therapist_client.get("/admin/audit/").content.decode()

    assert "<title>Audit trail" in content
    assert "Audit events</h1>" not in content


def test_audit_events_have_no_edit_or_delete_pages(therapist_client, client_profile):
    from clients.audit import record

    event = record(None, AuditEvent.Action.VIEW, client=client_profile)
    for url in [f"/admin/audit/edit/{event.pk}/", f"/admin/audit/delete/{event.pk}/"]:
        assert therapist_client.get(url).status_code == 404
        assert therapist_client.post(url).status_code == 404


# --- Delete with typed confirmation --------------------------------------------------------


@pytest.fixture
def jordan_with_work(client_profile):
    practice = make_practice()
    assignment = make_assignment(practice, client=client_profile)
    Reflection.objects.create(
        assignment=assignment,
        client=client_profile,
        week=1,
        answers=answers_for(assignment, text="Something private."),
    )
    return client_profile


def test_delete_needs_the_exact_name_typed(therapist_client, jordan_with_work):
    url = f"/admin/clients/delete/{jordan_with_work.pk}/"
    page = therapist_client.get(url).content.decode()
    assert "cannot be undone" in page
    response = therapist_client.post(url, {"confirmation": "Jordan"})
    assert response.status_code == 200
    assert "doesn&#x27;t match" in response.content.decode()
    assert Client.objects.filter(pk=jordan_with_work.pk).exists()


def test_delete_removes_the_client_and_everything_of_theirs(therapist_client, jordan_with_work):
    user_pk, uuid = jordan_with_work.user_id, str(jordan_with_work.uuid)
    response = therapist_client.post(
        f"/admin/clients/delete/{jordan_with_work.pk}/", {"confirmation": " jordan  lee "}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user_pk).exists()
    assert not Client.objects.filter(pk=jordan_with_work.pk).exists()
    assert not Reflection.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_DELETED)
    assert event.client is None
    assert event.client_label == uuid
    dump = json.dumps({k: str(v) for k, v in event.__dict__.items()})
    assert "Jordan" not in dump
    assert "Something private" not in dump


def test_deleting_a_partner_removes_the_couple_but_not_the_other_partner(
    therapist_client, couple, partner_a, partner_b
):
    therapist_client.post(
        f"/admin/clients/delete/{partner_a.pk}/", {"confirmation": partner_a.full_name}
    )
    assert not Couple.objects.filter(pk=couple.pk).exists()
    assert Client.objects.filter(pk=partner_b.pk).exists()


def test_earlier_audit_events_outlive_the_deleted_client(therapist_client, client_profile):
    from clients.audit import record

    record(None, AuditEvent.Action.SIGN_IN, client=client_profile)
    therapist_client.post(
        f"/admin/clients/delete/{client_profile.pk}/", {"confirmation": "Jordan Lee"}
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SIGN_IN, client_label=str(client_profile.uuid)
    ).exists()


def test_the_practice_owner_adds_a_client_for_another_therapist(client, superuser, other_therapist):
    client.force_login(superuser)
    assert "id_therapist" in client.get("/admin/clients/new/").content.decode()
    client.post(
        "/admin/clients/new/",
        {
            "full_name": "Casey Morgan",
            "email": "casey@example.org",
            "timezone": "UTC",
            "therapist": other_therapist.pk,
        },
    )
    assert Client.objects.get(user__email="casey@example.org").therapist == other_therapist


def test_a_therapist_cannot_hand_a_client_to_someone_else(
    therapist_client, therapist, other_therapist
):
    assert "id_therapist" not in therapist_client.get("/admin/clients/new/").content.decode()
    therapist_client.post(
        "/admin/clients/new/",
        {
            "full_name": "Casey Morgan",
            "email": "casey@example.org",
            "timezone": "UTC",
            "therapist": other_therapist.pk,
        },
    )
    assert Client.objects.get(user__email="casey@example.org").therapist == therapist


def test_audit_trail_query_count_does_not_grow_with_events(
    therapist_client, client_profile, django_assert_max_num_queries
):
    from clients.audit import record

    for _ in range(3):
        record(None, AuditEvent.Action.VIEW, client=client_profile)
    with django_assert_max_num_queries(40) as few:
        therapist_client.get("/admin/audit/")
    for _ in range(30):
        record(None, AuditEvent.Action.VIEW, client=client_profile)
    with django_assert_max_num_queries(len(few.captured_queries)):
        therapist_client.get("/admin/audit/")


def test_delete_leaves_no_admin_log_line_naming_the_client(therapist_client, partner_a):
    from wagtail.models import ModelLogEntry

    from clients.models import ClientLogEntry

    therapist_client.post(
        f"/admin/clients/edit/{partner_a.pk}/",
        {"full_name": "Alex Rivera", "email": partner_a.email, "timezone": "UTC"},
    )
    assert ClientLogEntry.objects.filter(label__contains="Alex").exists()
    therapist_client.post(f"/admin/clients/delete/{partner_a.pk}/", {"confirmation": "Alex Rivera"})
    assert not ClientLogEntry.objects.filter(label__contains="Alex").exists()
    assert not ModelLogEntry.objects.filter(label__contains="Alex").exists()


def test_admin_actions_without_a_csrf_token_change_nothing(therapist, client_profile):
    from django.test import Client as HttpClient

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(therapist)
    for url in [
        f"/admin/clients/{client_profile.pk}/archive/",
        f"/admin/clients/delete/{client_profile.pk}/",
    ]:
        response = browser.post(url, {"confirmation": "Jordan Lee"})
        assert response.status_code == 403
    client_profile.refresh_from_db()
    assert not client_profile.archived


def test_a_client_knows_the_couple_made_after_it_was_asked(therapist, client_profile):
    from clients.models import Couple
    from practice_site.builders import make_client

    assert client_profile.couple is None
    partner = make_client(therapist, "robin@example.org", "Robin Lee")
    couple = Couple.objects.create(therapist=therapist, partner_a=client_profile, partner_b=partner)
    assert client_profile.couple == couple
