"""One person, client of two therapists: one sign-in, one profile per therapist.

Personas: `therapist` (A) and her client Jordan (`client_profile`); `other_therapist` (B)
and her client Robin (`outsider`). B adding Jordan must look exactly like adding anyone new,
and each therapist sees only her own profile.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as HttpClient

from clients.access import CURRENT_PROFILE
from clients.models import AuditEvent, Client, User
from practice_site.builders import PASSWORD, make_assignment, make_client, make_practice, submit
from tests.homework.conftest import IN_WEEK_2

from .conftest import sign_in

pytestmark = pytest.mark.django_db

ADDED_AT = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.UTC)


def add_client(browser, email, full_name="Casey Morgan"):
    return browser.post(
        "/admin/clients/new/",
        {"full_name": full_name, "preferred_name": "", "email": email, "timezone": "UTC"},
    )


def as_seen(content, client):
    """The page with what legitimately differs between two people taken out."""
    content = content.replace(client.email, "EMAIL").replace(str(client.uuid), "UUID")
    content = re.sub(rf"(?<=[/=:\"]){client.pk}(?=[/\"&])", "PK", content)
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", content)  # masked anew on every page


def add_and_look(browser, email, full_name):
    """What a therapist sees after adding someone: the answer and the client's page."""
    with time_machine.travel(ADDED_AT, tick=False):
        response = add_client(browser, email, full_name)
        client = Client.objects.filter(user__email=email).latest("pk")
        page = browser.get(response.url).content.decode()
    return response, client, as_seen(page, client)


def listing_row(listing, client):
    (row,) = [row for row in listing.split("<tr") if f"/clients/{client.pk}/" in row]
    return as_seen(row, client)


@pytest.fixture
def jordan_with_b(client_profile, other_therapist):
    """Jordan, who already sees A, now also a client of B (as B's admin form makes it)."""
    return Client.objects.create(
        user=client_profile.user,
        therapist=other_therapist,
        full_name="Jordan Lee",
        accepted_at=ADDED_AT,
    )


@pytest.fixture
def both_homework(client_profile, jordan_with_b):
    """A and B each give Jordan a practice and each hold one submitted reflection."""
    with time_machine.travel(IN_WEEK_2, tick=False):
        for_a = make_assignment(make_practice("Pausing with A"), client=client_profile)
        for_b = make_assignment(make_practice("Breathing with B"), client=jordan_with_b)
        submit(for_a, client_profile, 1, text="Words written for A")
        submit(for_b, jordan_with_b, 1, text="Words written for B")
    return for_a, for_b


# --- Adding someone who already has a sign-in -----------------------------------------------


def test_adding_another_therapists_client_looks_exactly_like_adding_someone_new(
    other_therapist_client, client_profile, outsider
):
    taken = add_and_look(other_therapist_client, client_profile.email, "Jordan Lee")
    fresh = add_and_look(other_therapist_client, "fresh.person@example.org", "Jordan Lee")

    assert taken[0].status_code == fresh[0].status_code == 302
    assert taken[1].status_label == fresh[1].status_label == "Invited"
    assert taken[2] == fresh[2]  # the client's page, messages included
    listing = other_therapist_client.get("/admin/clients/").content.decode()
    assert listing_row(listing, taken[1]) == listing_row(listing, fresh[1])
    assert "An invitation is on its way" in taken[2]
    assert "Maya" not in taken[2]  # therapist A is never named to B


def test_a_second_therapist_gets_a_new_profile_for_the_same_sign_in(
    other_therapist_client, client_profile, other_therapist
):
    add_client(other_therapist_client, client_profile.email.upper(), "Jo Lee")
    profiles = Client.objects.filter(user=client_profile.user)
    assert {p.therapist for p in profiles} == {client_profile.therapist, other_therapist}
    assert User.objects.filter(email=client_profile.email).count() == 1
    client_profile.user.refresh_from_db()
    assert client_profile.user.check_password(PASSWORD)  # their password is untouched
    assert client_profile.user.first_name == "Jordan"  # B's spelling stays on B's profile


def test_someone_with_a_password_is_told_to_sign_in_as_usual_without_naming_anyone_else(
    other_therapist_client, client_profile
):
    add_client(other_therapist_client, client_profile.email, "Jordan Lee")
    (message,) = mail.outbox
    assert message.to == [client_profile.email]
    assert "Ines Duval" in message.subject + message.body  # the therapist who added them
    assert "Maya" not in message.subject + message.body
    assert "Okafor" not in message.body
    assert "http://testserver/portal/login/" in message.body
    assert "http://testserver/portal/password/reset/" in message.body
    assert "/portal/welcome/" not in message.body  # no link that could reset their password


def test_the_same_therapist_adding_the_same_address_twice_is_told_so(
    therapist_client, client_profile
):
    response = add_client(therapist_client, client_profile.email, "Casey Morgan")
    assert response.status_code == 200
    content = response.content.decode()
    assert "You already have a client with this e-mail address" in content
    assert "Casey Morgan" in content  # nothing typed is lost
    assert Client.objects.filter(user=client_profile.user).count() == 1
    assert not mail.outbox


def test_a_therapists_address_is_refused_without_a_word_about_clients(
    other_therapist_client, therapist
):
    response = add_client(other_therapist_client, therapist.email)
    assert response.status_code == 200
    content = response.content.decode()
    assert "can&#x27;t be used for a client" in content
    assert "already" not in content
    assert not Client.objects.filter(user=therapist).exists()
    assert not mail.outbox


def test_a_new_profile_is_invited_until_the_person_signs_in(other_therapist_client, client_profile):
    add_client(other_therapist_client, client_profile.email, "Jordan Lee")
    for_b = Client.objects.get(user=client_profile.user, therapist__email__startswith="other")
    assert for_b.status_label == "Invited"
    other_therapist_client.logout()
    assert sign_in(other_therapist_client, client_profile.email).status_code == 302
    for_b.refresh_from_db()
    assert for_b.status_label == "Active"


def test_the_status_comes_from_the_profile_not_the_password(client_profile, other_therapist):
    fresh = Client.objects.create(
        user=client_profile.user, therapist=other_therapist, full_name="Jordan Lee"
    )
    assert client_profile.user.has_usable_password()
    assert fresh.status_label == "Not invited yet"


# --- The portal: one sign-in, one therapist at a time ---------------------------------------


def test_the_person_signs_in_once_and_switches_between_their_therapists(
    client, client_profile, jordan_with_b, both_homework
):
    with time_machine.travel(IN_WEEK_2, tick=False):
        assert sign_in(client, client_profile.email).status_code == 302
        first = client.get("/portal/").content.decode()
        assert "Your therapists" in first
        assert "Pausing with A" in first
        assert "Breathing with B" not in first

        response = client.post("/portal/therapists/", {"profile": str(jordan_with_b.uuid)})
        assert response.status_code == 302
        second = client.get("/portal/").content.decode()
        assert "Breathing with B" in second
        assert "Pausing with A" not in second
        history = client.get("/portal/history/").content.decode()
        assert "Words written for B" in history
        assert "Words written for A" not in history


def test_a_link_to_the_other_therapists_homework_switches_to_that_therapist(
    client, client_profile, jordan_with_b, both_homework, outsider
):
    for_a, for_b = both_homework
    theirs = make_assignment(make_practice("Robin's practice"), client=outsider)
    client.force_login(client_profile.user)
    with time_machine.travel(IN_WEEK_2, tick=False):
        assert client.get(f"/portal/homework/{for_a.uuid}/").status_code == 200
        assert client.session.get(CURRENT_PROFILE) is None  # nothing to switch
        page = client.get(f"/portal/homework/{for_b.uuid}/")  # e.g. from B's reminder
        assert page.status_code == 200
        assert client.session[CURRENT_PROFILE] == str(jordan_with_b.uuid)
        dashboard = client.get("/portal/").content.decode()
        assert "Breathing with B" in dashboard
        assert "Pausing with A" not in dashboard
        assert client.get(f"/portal/homework/{theirs.uuid}/").status_code == 404
        assert client.get(f"/portal/homework/{for_a.uuid}/week/1/").status_code == 200
        assert client.session[CURRENT_PROFILE] == str(client_profile.uuid)


def test_someone_elses_profile_cannot_be_chosen(client, client_profile, jordan_with_b, outsider):
    client.force_login(client_profile.user)
    response = client.post("/portal/therapists/", {"profile": str(outsider.uuid)})
    assert response.status_code == 404
    assert client.post("/portal/therapists/", {"profile": "not-a-uuid"}).status_code == 404
    assert CURRENT_PROFILE not in client.session


def test_a_stale_or_forged_choice_in_the_session_falls_back_to_their_own(
    client, client_profile, jordan_with_b, outsider
):
    client.force_login(client_profile.user)
    session = client.session
    session[CURRENT_PROFILE] = str(outsider.uuid)
    session.save()
    content = client.get("/portal/").content.decode()
    assert "Hello, Jordan" in content
    assert "Robin" not in content


def test_the_therapists_page_names_itself_once(client, client_profile, jordan_with_b):
    client.force_login(client_profile.user)

    page = client.get("/portal/therapists/").content.decode()

    assert page.count("Your therapists</h") == 1
    assert "Switch to" in page  # control: the switch is there, under the page's own heading


def test_a_person_with_one_therapist_sees_no_switch(portal_client):
    content = portal_client.get("/portal/").content.decode()
    assert "Your therapists" not in content
    assert portal_client.get("/portal/therapists/").status_code == 200


def test_the_profile_page_edits_the_chosen_profile_only(client, client_profile, jordan_with_b):
    client.force_login(client_profile.user)
    client.post("/portal/therapists/", {"profile": str(jordan_with_b.uuid)})
    client.post("/portal/profile/", {"preferred_name": "Jo", "timezone": "Asia/Tokyo"})
    jordan_with_b.refresh_from_db()
    client_profile.refresh_from_db()
    assert (jordan_with_b.preferred_name, client_profile.preferred_name) == ("Jo", "")


def test_the_export_holds_the_work_with_each_therapist(
    client, client_profile, jordan_with_b, both_homework
):
    client.force_login(client_profile.user)
    data = client.post("/portal/data/").json()
    assert [a["practice"] for a in data["assignments"]] == ["Pausing with A"]
    (other,) = data["other_therapists"]
    assert [a["practice"] for a in other["assignments"]] == ["Breathing with B"]
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)
    assert {e.client for e in exported} == {client_profile, jordan_with_b}


def test_an_invitation_lands_on_the_profile_it_was_sent_for(
    client, other_therapist_client, client_profile
):
    client_profile.user.set_unusable_password()  # invited by A, not come in yet
    client_profile.user.save()
    add_client(other_therapist_client, client_profile.email, "Jordan Lee")
    other_therapist_client.logout()
    link = re.search(r"http://testserver(/portal/welcome/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link)
    password = "a quiet walk by the river 7"
    client.post(response.url, {"new_password1": password, "new_password2": password})
    for_b = Client.objects.get(user=client_profile.user, therapist__email__startswith="other")
    assert client.session[CURRENT_PROFILE] == str(for_b.uuid)
    assert AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_USED).client == for_b


def test_a_password_reset_works_for_a_client_of_two_therapists(
    client, client_profile, jordan_with_b
):
    client.post("/portal/password/reset/", {"email": client_profile.email})
    link = re.search(r"http://testserver(/portal/password/reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1))
    password = "a brand new phrase 31"
    done = client.post(response.url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302
    client_profile.user.refresh_from_db()
    assert client_profile.user.check_password(password)


def test_a_password_reset_goes_through_a_profile_the_person_came_into(
    client, client_profile, other_therapist
):
    # B's record for Jordan, never invited, sorts first by name.
    for_b = Client.objects.create(
        user=client_profile.user, therapist=other_therapist, full_name="Aaron Lee"
    )
    client.post("/portal/password/reset/", {"email": client_profile.email})
    link = re.search(r"http://testserver(/portal/password/reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1))
    password = "a brand new phrase 31"
    client.post(response.url, {"new_password1": password, "new_password2": password})
    client.get("/portal/")
    for_b.refresh_from_db()
    assert for_b.status_label == "Not invited yet"
    assert not AuditEvent.objects.filter(client=for_b).exists()
    assert AuditEvent.objects.filter(
        client=client_profile, action=AuditEvent.Action.PASSWORD_RESET
    ).exists()


def test_signing_in_is_on_each_therapists_trail(client, client_profile, jordan_with_b):
    sign_in(client, client_profile.email)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN)
    assert {(e.client, e.therapist) for e in events} == {
        (client_profile, client_profile.therapist),
        (jordan_with_b, jordan_with_b.therapist),
    }


def test_signing_in_for_one_therapist_shows_nothing_on_a_profile_the_other_never_invited(
    other_therapist_client, client_profile, outsider
):
    # B types Jordan's address on her own client's record: nothing invites Jordan to B yet.
    other_therapist_client.post(
        f"/admin/clients/edit/{outsider.pk}/",
        {"full_name": "Robin Outsider", "email": client_profile.email, "timezone": "UTC"},
    )
    outsider.refresh_from_db()
    assert outsider.user_id == client_profile.user_id
    assert outsider.status_label == "Not invited yet"

    jordan = HttpClient()
    sign_in(jordan, client_profile.email, "not the password")
    assert sign_in(jordan, client_profile.email).status_code == 302
    new_password = "a fresh phrase for spring 9"
    jordan.post(
        "/portal/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    jordan.post("/portal/logout/")

    outsider.refresh_from_db()
    assert outsider.status_label == "Not invited yet"  # B must not learn Jordan signs in here
    assert not AuditEvent.objects.filter(client=outsider).exists()
    assert not AuditEvent.objects.filter(therapist=outsider.therapist).exclude(
        actor=outsider.therapist
    )
    # Positive control: A's trail shows all three.
    assert set(
        AuditEvent.objects.filter(client=client_profile).values_list("action", flat=True)
    ) >= {
        AuditEvent.Action.SIGN_IN_FAILED,
        AuditEvent.Action.SIGN_IN,
        AuditEvent.Action.PASSWORD_CHANGED,
        AuditEvent.Action.SIGN_OUT,
    }


# --- The admin: each therapist sees her own profile -----------------------------------------


def test_b_never_sees_what_jordan_wrote_for_a(
    therapist_client, other_therapist, client_profile, jordan_with_b, both_homework
):
    with time_machine.travel(IN_WEEK_2, tick=False):
        mine = therapist_client.get(f"/admin/clients/{client_profile.pk}/").content.decode()
        therapist_client.force_login(other_therapist)
        theirs = therapist_client.get(f"/admin/clients/{jordan_with_b.pk}/").content.decode()
        assert therapist_client.get(f"/admin/clients/{client_profile.pk}/").status_code == 404
    assert "Pausing with A" in mine
    assert "Breathing with B" not in mine
    assert "Breathing with B" in theirs
    assert "Pausing with A" not in theirs


def test_editing_the_address_of_a_shared_sign_in_leaves_the_other_therapists_alone(
    other_therapist_client, client_profile, jordan_with_b
):
    response = other_therapist_client.post(
        f"/admin/clients/edit/{jordan_with_b.pk}/",
        {"full_name": "Jordan Lee", "email": "jo.new@example.org", "timezone": "UTC"},
    )
    assert response.status_code == 302
    client_profile.user.refresh_from_db()
    jordan_with_b.refresh_from_db()
    assert client_profile.user.email == "jordan@example.org"
    assert jordan_with_b.user.email == "jo.new@example.org"
    assert jordan_with_b.status_label == "Not invited yet"


@pytest.mark.parametrize("new_address", ["fresh.person@example.org", "jordan@example.org"])
def test_changing_an_address_looks_the_same_whether_or_not_it_has_a_sign_in(
    other_therapist_client, outsider, new_address, client_profile
):
    response = other_therapist_client.post(
        f"/admin/clients/edit/{outsider.pk}/",
        {"full_name": "Robin Outsider", "email": new_address, "timezone": "UTC"},
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.email == new_address
    assert outsider.status_label == "Not invited yet"
    page = other_therapist_client.get(response.url).content.decode()
    assert "Jordan" not in page
    client_profile.refresh_from_db()
    assert client_profile.status_label == "Active"  # A's profile is untouched


def test_an_address_typed_on_a_record_shows_its_homework_to_that_person_only_once_invited(
    other_therapist_client, client_profile, outsider
):
    with time_machine.travel(IN_WEEK_2, tick=False):
        robins = make_assignment(make_practice("Robin's practice"), client=outsider)
        submit(robins, outsider, 1, text="Robin's own words")
    other_therapist_client.post(
        f"/admin/clients/edit/{outsider.pk}/",
        {"full_name": "Robin Outsider", "email": client_profile.email, "timezone": "UTC"},
    )
    jordan = HttpClient()
    jordan.force_login(client_profile.user)

    with time_machine.travel(IN_WEEK_2, tick=False):
        assert "Robin&#x27;s practice" not in jordan.get("/portal/").content.decode()
        assert "Robin&#x27;s own words" not in jordan.get("/portal/history/").content.decode()
        assert jordan.get(f"/portal/homework/{robins.uuid}/").status_code == 404
        chosen = jordan.post("/portal/therapists/", {"profile": str(outsider.uuid)})
        assert chosen.status_code == 404

        # Positive control: once B invites that address, the person finds it.
        other_therapist_client.post(f"/admin/clients/{outsider.pk}/invite/")
        assert jordan.get(f"/portal/homework/{robins.uuid}/").status_code == 200


def test_a_client_whose_own_address_was_corrected_still_finds_their_homework(
    therapist_client, client_profile
):
    therapist_client.post(
        f"/admin/clients/edit/{client_profile.pk}/",
        {"full_name": "Jordan Lee", "email": "jordan.new@example.org", "timezone": "UTC"},
    )
    jordan = HttpClient()
    assert sign_in(jordan, "jordan.new@example.org").status_code == 302
    assert jordan.get("/portal/").status_code == 200
    client_profile.refresh_from_db()
    assert client_profile.status_label == "Active"


def test_a_profile_added_while_the_person_is_signed_in_becomes_active_when_they_look(
    client, client_profile, other_therapist
):
    client.force_login(client_profile.user)
    for_b = Client.objects.create(  # as B's admin makes it: added, and invited at once
        user=client_profile.user,
        therapist=other_therapist,
        full_name="Jordan Lee",
        invited_at=ADDED_AT,
    )
    client.get("/portal/")
    for_b.refresh_from_db()
    assert for_b.accepted_at is None  # still looking at A's
    client.post("/portal/therapists/", {"profile": str(for_b.uuid)})
    client.get("/portal/")
    for_b.refresh_from_db()
    assert for_b.status_label == "Active"


def test_moving_a_client_to_a_therapist_who_already_sees_them_is_refused(
    client, superuser, client_profile, jordan_with_b, therapist
):
    client.force_login(superuser)
    response = client.post(
        f"/admin/clients/edit/{jordan_with_b.pk}/",
        {
            "full_name": "Jordan Lee",
            "email": client_profile.email,
            "timezone": "UTC",
            "therapist": therapist.pk,
        },
    )
    assert response.status_code == 200
    assert "already has this person as a client" in response.content.decode()
    jordan_with_b.refresh_from_db()
    assert jordan_with_b.therapist != therapist


def test_moving_a_client_to_a_therapist_who_does_not_see_them_still_works(
    client, superuser, outsider, therapist
):
    client.force_login(superuser)
    response = client.post(
        f"/admin/clients/edit/{outsider.pk}/",
        {
            "full_name": "Robin Outsider",
            "email": outsider.email,
            "timezone": "UTC",
            "therapist": therapist.pk,
        },
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.therapist == therapist


# --- Erasing one profile --------------------------------------------------------------------


def test_erasing_a_profile_keeps_the_other_therapists_profile_and_the_sign_in(
    therapist_client, client_profile, jordan_with_b, both_homework
):
    response = therapist_client.post(
        f"/admin/clients/delete/{client_profile.pk}/", {"confirmation": "Jordan Lee"}
    )
    assert response.status_code == 302
    assert not Client.objects.filter(pk=client_profile.pk).exists()
    jordan_with_b.refresh_from_db()
    assert jordan_with_b.user.check_password(PASSWORD)
    assert [a.practice.title for a in jordan_with_b.assignments.all()] == ["Breathing with B"]


def test_erasing_a_profile_leaves_no_event_on_that_therapists_trail_pointing_at_the_person(
    client, client_profile, jordan_with_b
):
    sign_in(client, client_profile.email)
    person = client_profile.user
    a_trail = AuditEvent.objects.filter(therapist=client_profile.therapist)
    assert a_trail.filter(actor=person).exists()  # control: the sign-in, on A's trail

    client_profile.erase()

    assert not a_trail.filter(actor=person).exists()
    assert a_trail.filter(client_label=str(client_profile.uuid)).exists()  # the rows stay
    assert AuditEvent.objects.filter(client=jordan_with_b, actor=person).exists()  # B's keep it


def test_erasing_the_last_profile_deletes_the_sign_in(therapist):
    alone = make_client(therapist, "alone@example.org", "Alone Person")
    alone.erase()
    assert not User.objects.filter(email="alone@example.org").exists()


def test_the_summary_command_asks_which_therapist_when_the_address_has_two(
    client_profile, jordan_with_b, tmp_path
):

    output = tmp_path / "summary.pdf"
    with pytest.raises(CommandError, match="--therapist"):
        call_command("render_summary", "--client", client_profile.email, "--output", str(output))
    assert not output.exists()


def test_the_summary_command_renders_the_chosen_therapists_profile(
    client_profile, jordan_with_b, other_therapist, tmp_path, monkeypatch
):

    rendered = []
    document = SimpleNamespace(content=b"%PDF-1.7", page_count=1)
    monkeypatch.setattr(
        "homework.pdf.render_summary", lambda summary: rendered.append(summary) or document
    )
    output = tmp_path / "summary.pdf"
    call_command(
        "render_summary",
        *("--client", client_profile.email, "--therapist", other_therapist.email),
        *("--output", str(output)),
    )
    assert [s.client for s in rendered] == [jordan_with_b]
