"""Who reaches which client or couple page in the admin, and which portal page.

One row per URL: the therapist gets it, anonymous is sent to sign in, another therapist
gets a 404, and a client never reaches the admin at all. Then Wagtail's own views that
take any id or list every log line: editing-session pings, the site history report,
the lists (which make no spreadsheet export) and the chooser.
"""

import pytest
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from clients.audit import record
from clients.models import AuditEvent, Client, ClientLogEntry, Couple
from practice_site.builders import make_client

pytestmark = pytest.mark.django_db

# (url name, what its id names); every one is a GET page of one client or couple.
CLIENT_PAGES = [
    "clients:detail",
    "clients:edit",
    "clients:delete",
    "clients:history",
    "clients:history_results",
    "clients:usage",
    "client_chooser:chosen",
]
COUPLE_PAGES = [
    "couples:detail",
    "couples:edit",
    "couples:delete",
    "couples:history",
    "couples:history_results",
    "couples:usage",
]
LISTS = [
    "clients:index",
    "clients:index_results",
    "couples:index",
    "couples:index_results",
    "audit:index",
    "audit:index_results",
    "client_chooser:choose",
    "client_chooser:choose_results",
]


@pytest.fixture
def pages(client_profile, couple):
    return [reverse(name, args=[client_profile.pk]) for name in CLIENT_PAGES] + [
        reverse(name, args=[couple.pk]) for name in COUPLE_PAGES
    ]


def test_the_therapist_opens_every_page_of_her_client_and_couple(therapist_client, pages):
    for url in pages:
        assert therapist_client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_the_admin_sign_in_from_every_page(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_another_therapist_gets_404_on_every_page(client, other_therapist, pages):
    client.force_login(other_therapist)
    for url in pages:
        assert client.get(url).status_code == 404, url


def test_a_client_never_reaches_the_admin(portal_client, pages):
    for url in [*pages, reverse("wagtailadmin_home"), reverse("wagtailadmin_login")]:
        response = portal_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("portal:dashboard"), url


@pytest.mark.parametrize("name", ["clients:resend_invitation", "clients:unlock", "clients:archive"])
def test_another_therapist_cannot_act_on_our_client(client, other_therapist, client_profile, name):
    client.force_login(other_therapist)

    response = client.post(reverse(name, args=[client_profile.pk]))

    assert response.status_code == 404
    client_profile.refresh_from_db()
    assert not client_profile.archived
    assert not AuditEvent.objects.filter(client=client_profile).exists()


def test_another_therapist_cannot_delete_our_couple(client, other_therapist, couple):
    client.force_login(other_therapist)

    response = client.post(reverse("couples:delete", args=[couple.pk]))

    assert response.status_code == 404
    assert Couple.objects.filter(pk=couple.pk).exists()


@pytest.mark.parametrize("name", LISTS)
def test_lists_never_show_another_therapists_clients(
    client, therapist, other_therapist, outsider, name
):
    record(None, AuditEvent.Action.VIEW, client=outsider)
    Couple.objects.create(
        partner_a=outsider, partner_b=make_client(other_therapist, "kim@example.org", "Kim Lowe")
    )

    client.force_login(other_therapist)  # positive control: her own therapist sees Robin
    assert "Robin" in client.get(reverse(name)).content.decode()
    client.force_login(therapist)
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Robin" not in response.content.decode()


LIST_NAMES = ["clients:index", "couples:index", "audit:index"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", LIST_NAMES)
def test_lists_make_no_spreadsheet_export(therapist_client, client_profile, couple, name, fmt):
    """An export would copy who is in therapy out of the audited site: there is none."""
    record(None, AuditEvent.Action.VIEW, client=client_profile)

    response = therapist_client.get(reverse(name), {"export": fmt})

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    assert "Jordan Lee" in response.content.decode() or name == "couples:index"  # the page
    assert "export=" not in therapist_client.get(reverse(name)).content.decode()


# --- Wagtail's own views that take any object id ----------------------------------------------


@pytest.mark.parametrize("kind", ["client", "couple"])
def test_editing_session_pings_refuse_another_therapists_client(
    client, other_therapist, client_profile, couple, kind
):
    """The ping answers 200 or 404, so a 200 would reveal that the id exists."""
    obj = client_profile if kind == "client" else couple
    client.force_login(other_therapist)

    response = client.post(f"/admin/editing-sessions/ping/clients/{kind}/{obj.pk}/0/")

    assert response.status_code == 404


def test_editing_session_ping_works_for_her_own_client(therapist_client, client_profile):
    response = therapist_client.post(
        f"/admin/editing-sessions/ping/clients/client/{client_profile.pk}/0/"
    )

    assert response.status_code == 200


def test_the_permission_policy_narrows_to_her_own(therapist, other_therapist, client_profile):
    policy = policy_registry.get_by_type(Client)

    assert policy.user_has_permission_for_instance(therapist, "change", client_profile)
    assert not policy.user_has_permission_for_instance(other_therapist, "change", client_profile)
    assert list(policy.instances_user_has_permission_for(other_therapist, "change")) == []
    assert list(policy.instances_user_has_permission_for(therapist, "change")) == [client_profile]


def test_choosing_several_at_once_returns_only_her_own(therapist_client, client_profile, outsider):
    url = reverse("client_chooser:chosen_multiple")

    response = therapist_client.get(url, {"id": [client_profile.pk, outsider.pk]})

    assert [item["id"] for item in response.json()["result"]] == [str(client_profile.pk)]


def test_chooser_creation_is_not_offered(therapist_client):
    """Clients are added on their own page, which sends the invitation."""
    response = therapist_client.post("/admin/client_chooser/create/", {})

    assert response.status_code == 404
    assert not Client.objects.exists()


# --- The site history report ------------------------------------------------------------------


@pytest.fixture
def logged(therapist, other_therapist, client_profile, couple, outsider):
    log(client_profile, "wagtail.edit", user=therapist)
    log(couple, "wagtail.edit", user=therapist)
    log(outsider, "wagtail.edit", user=other_therapist)


@pytest.mark.parametrize("suffix", ["", "results/", "?export=csv"])
def test_site_history_never_names_another_therapists_clients(
    client, other_therapist, logged, suffix
):
    client.force_login(other_therapist)

    response = client.get(reverse("wagtailadmin_reports:site_history") + suffix)

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert "Robin Outsider" in body.decode()
    for name in ("Jordan", "Alex", "Sam"):
        assert name not in body.decode()


def test_log_lines_about_clients_belong_to_their_therapist(therapist, logged, client_profile):
    lines = ClientLogEntry.objects.viewable_by_user(therapist)

    assert {line.label for line in lines} == {"Jordan Lee", "Alex & Sam"}
    assert ClientLogEntry.objects.for_instance(client_profile).count() == 1


def test_history_of_her_client_shows_its_log_lines(therapist_client, logged, client_profile):
    response = therapist_client.get(reverse("clients:history", args=[client_profile.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Jordan Lee" in body
    assert "Alex" not in body  # her other clients are not log lines of this one


@pytest.mark.parametrize("name", ["couples:history", "couples:usage", "clients:usage"])
def test_history_and_usage_of_her_own_open(therapist_client, logged, couple, name):
    pk = couple.pk if name.startswith("couples") else couple.partner_a.pk

    assert therapist_client.get(reverse(name, args=[pk])).status_code == 200


# --- Portal pages ------------------------------------------------------------------------------

PORTAL_PAGES = [
    "portal:dashboard",
    "portal:profile",
    "portal:data",
    "portal:password_change",
    "portal:signed_in",
    "portal:therapists",
]


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_page_works_for_the_client(portal_client, name):
    assert portal_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_page_sends_anonymous_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_page_sends_a_therapist_to_the_admin(therapist_client, name):
    response = therapist_client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_account_that_is_neither_gets_404(client):
    from clients.models import User

    client.force_login(User.objects.create_user(email="someone@example.org", password="x"))

    assert client.get(reverse("portal:dashboard")).status_code == 404


def test_export_holds_only_her_own_data(client, client_profile, partner_a, outsider):
    client.force_login(partner_a.user)

    data = client.post(reverse("portal:data")).json()

    assert data["profile"]["email"] == partner_a.email
    text = str(data)
    assert "Jordan" not in text
    assert "Robin" not in text


def test_a_deactivated_therapist_is_signed_out_of_the_admin(
    therapist_client, therapist, client_profile
):
    therapist.is_active = False
    therapist.save()

    response = therapist_client.get(reverse("clients:detail", args=[client_profile.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_deactivated_client_is_signed_out_of_the_portal(portal_client, client_profile):
    client_profile.user.is_active = False
    client_profile.user.save()

    response = portal_client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_a_client_moved_to_another_therapist_leaves_nothing_with_the_first(
    client, superuser, therapist, other_therapist, client_profile
):
    from homework.models import Assignment
    from practice_site.builders import make_assignment, make_practice

    assignment = make_assignment(make_practice(), client=client_profile)
    log(client_profile, "wagtail.edit", user=therapist)
    client.force_login(superuser)

    client.post(
        reverse("clients:edit", args=[client_profile.pk]),
        {
            "full_name": "Jordan Lee",
            "email": client_profile.email,
            "timezone": "UTC",
            "therapist": other_therapist.pk,
        },
        follow=True,  # shows the "updated" message naming the client, here and not later
    )

    assert Assignment.objects.get(pk=assignment.pk).therapist == other_therapist
    client.force_login(therapist)
    assert client.get(reverse("clients:detail", args=[client_profile.pk])).status_code == 404
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Jordan" not in history
    client.force_login(other_therapist)
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Jordan Lee" in history


@pytest.mark.parametrize("model", ["client", "couple"])
def test_there_are_no_bulk_actions_on_clients_or_couples(
    therapist_client, client_profile, couple, model
):
    obj = client_profile if model == "client" else couple
    url = f"/admin/bulk/clients/{model}/delete/?id={obj.pk}"

    assert therapist_client.post(url).status_code == 404
    assert type(obj).objects.filter(pk=obj.pk).exists()


# --- Logs ---------------------------------------------------------------------------------------


def test_a_failed_invitation_logs_no_address(therapist_client, client_profile, monkeypatch, caplog):
    from smtplib import SMTPRecipientsRefused

    def refused(*args, **kwargs):
        raise SMTPRecipientsRefused({client_profile.email: (550, b"no such user")})

    monkeypatch.setattr("clients.emails.EmailMultiAlternatives.send", refused)

    therapist_client.post(reverse("clients:resend_invitation", args=[client_profile.pk]))

    assert "SMTPRecipientsRefused" in caplog.text
    assert client_profile.email not in caplog.text
