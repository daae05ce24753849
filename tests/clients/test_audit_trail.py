"""The audit trail: refused accesses are recorded; the list filters by client and date.

A refusal belongs to whoever asked: it names what they asked for, never the other
therapist's client, and the answer stays the 404 a missing id gets.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from clients.access import get_own_or_404
from clients.audit import record
from clients.models import AuditEvent, Client
from practice_site.builders import make_client

pytestmark = pytest.mark.django_db

REFUSED = AuditEvent.Action.ACCESS_REFUSED
AUDIT_URL = reverse("audit:index")


def refusals():
    return AuditEvent.objects.filter(action=REFUSED)


def listed_actions(response):
    return {event.action for event in response.context["object_list"]}


# --- Refused access ---------------------------------------------------------------------


def test_opening_another_therapists_client_writes_one_refusal_and_still_404s(
    therapist_client, therapist, outsider
):
    response = therapist_client.get(reverse("clients:detail", args=[outsider.pk]))

    assert response.status_code == 404
    event = refusals().get()
    assert event.actor == therapist
    assert event.therapist == therapist
    assert event.client is None
    assert event.client_label == ""
    assert (event.object_type, event.object_id) == ("clients.client", str(outsider.pk))


def test_a_refusal_answers_exactly_as_a_missing_id_does(therapist_client, outsider):
    refused = therapist_client.get(reverse("clients:detail", args=[outsider.pk]))
    missing = therapist_client.get(reverse("clients:detail", args=[outsider.pk + 1000]))

    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert refusals().count() == 1


def test_her_own_client_opens_and_writes_no_refusal(therapist_client, client_profile):
    response = therapist_client.get(reverse("clients:detail", args=[client_profile.pk]))

    assert response.status_code == 200
    assert not refusals().exists()


def test_another_therapists_couple_is_refused_and_recorded(client, other_therapist, couple):
    client.force_login(other_therapist)

    response = client.get(reverse("couples:detail", args=[couple.pk]))

    assert response.status_code == 404
    event = refusals().get()
    assert (event.therapist, event.object_type) == (other_therapist, "clients.couple")


def test_acting_on_another_therapists_client_is_recorded(therapist_client, outsider):
    response = therapist_client.post(reverse("clients:archive", args=[outsider.pk]))

    assert response.status_code == 404
    assert refusals().count() == 1
    outsider.refresh_from_db()
    assert not outsider.archived


OBJECT_PAGES = [
    "clients:edit",
    "clients:delete",
    "clients:history",
    "clients:usage",
    "client_chooser:chosen",
    "couples:edit",
    "couples:delete",
    "couples:history",
]


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_wagtails_own_pages_record_one_refusal_of_another_therapists_object(
    client, other_therapist, couple, name
):
    obj = couple if name.startswith("couples") else couple.partner_a
    client.force_login(other_therapist)

    response = client.get(reverse(name, args=[obj.pk]))

    assert response.status_code == 404
    assert refusals().get().object_type == obj._meta.label_lower


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_wagtails_own_pages_open_her_own_without_a_refusal(therapist_client, couple, name):
    obj = couple if name.startswith("couples") else couple.partner_a

    assert therapist_client.get(reverse(name, args=[obj.pk])).status_code == 200
    assert not refusals().exists()


def test_the_asker_sees_her_refusal_without_the_other_therapists_client(
    therapist_client, outsider, other_therapist, client
):
    therapist_client.get(reverse("clients:detail", args=[outsider.pk]))

    response = therapist_client.get(AUDIT_URL)
    assert REFUSED in listed_actions(response)
    assert "Robin" not in response.content.decode()
    assert str(outsider.uuid) not in response.content.decode()
    client.force_login(other_therapist)
    assert REFUSED not in listed_actions(client.get(AUDIT_URL))


def test_the_practice_owner_sees_every_refusal(therapist_client, outsider, client, superuser):
    therapist_client.get(reverse("clients:detail", args=[outsider.pk]))
    client.force_login(superuser)

    response = client.get(AUDIT_URL)

    assert REFUSED in listed_actions(response)
    assert "therapist@example.org" in response.content.decode()


def test_the_practice_owner_is_never_refused(client, superuser, outsider):
    client.force_login(superuser)

    assert client.get(reverse("clients:detail", args=[outsider.pk])).status_code == 200
    assert not refusals().exists()


def test_a_refusal_without_a_signed_in_asker_belongs_to_no_therapist(rf, outsider):
    request = rf.get("/")
    request.user = AnonymousUser()

    with pytest.raises(Http404):
        get_own_or_404(request, Client.objects.none(), pk=outsider.pk)

    event = refusals().get()
    assert (event.actor, event.therapist, event.client) == (None, None, None)


# --- The list: every kind of event, filters ---------------------------------------------


def test_every_kind_of_event_is_listed_by_name(therapist_client, therapist, client_profile):
    for action in AuditEvent.Action:
        record(None, action, client=client_profile, actor=therapist)

    content = therapist_client.get(AUDIT_URL).content.decode()

    for action in AuditEvent.Action:
        assert str(action.label) in content, action


def test_an_event_names_the_kind_of_item_it_was_about(therapist_client, therapist):
    record(None, REFUSED, therapist=therapist, object_type="clients.couple", object_id="42")

    assert "couple 42" in therapist_client.get(AUDIT_URL).content.decode()


@pytest.fixture
def two_clients_events(therapist, client_profile, couple):
    """Jordan on 3 and 20 February; Alex on 10 February."""
    alex = couple.partner_a
    for day, who, action in [
        (3, client_profile, AuditEvent.Action.VIEW),
        (10, alex, AuditEvent.Action.EXPORT),
        (20, client_profile, AuditEvent.Action.DOWNLOAD),
    ]:
        with time_machine.travel(datetime.datetime(2026, 2, day, 12, tzinfo=datetime.UTC)):
            record(None, action, client=who, actor=therapist)
    return client_profile, alex


def test_the_list_filters_by_client(therapist_client, two_clients_events):
    jordan, alex = two_clients_events

    response = therapist_client.get(AUDIT_URL, {"client": jordan.pk})

    assert listed_actions(response) == {AuditEvent.Action.VIEW, AuditEvent.Action.DOWNLOAD}
    alex_only = therapist_client.get(AUDIT_URL, {"client": alex.pk})
    assert listed_actions(alex_only) == {AuditEvent.Action.EXPORT}


def test_the_list_filters_by_date_range(therapist_client, two_clients_events):
    response = therapist_client.get(
        AUDIT_URL, {"created_at_from": "2026-02-03", "created_at_to": "2026-02-10"}
    )

    assert listed_actions(response) == {AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT}


def test_the_list_filters_by_client_and_date_together(therapist_client, two_clients_events):
    jordan, _ = two_clients_events

    response = therapist_client.get(
        AUDIT_URL, {"client": jordan.pk, "created_at_from": "2026-02-15"}
    )

    assert listed_actions(response) == {AuditEvent.Action.DOWNLOAD}


def test_the_client_filter_offers_only_her_own_clients(
    therapist_client, client_profile, outsider, other_therapist, client
):
    filters = therapist_client.get(AUDIT_URL).context["filters"]
    offered = set(filters.form.fields["client"].queryset)
    assert offered == {client_profile}

    client.force_login(other_therapist)
    content = client.get(AUDIT_URL).content.decode()
    assert "Robin Outsider" in content  # positive control: her own client is offered
    assert "Jordan Lee" not in content


def test_filtering_by_another_therapists_client_shows_none_of_its_events(
    therapist_client, client_profile, outsider, other_therapist
):
    record(None, AuditEvent.Action.VIEW, client=outsider, actor=other_therapist)
    record(None, AuditEvent.Action.VIEW, client=client_profile)

    response = therapist_client.get(AUDIT_URL, {"client": outsider.pk})

    assert all(event.client_id != outsider.pk for event in response.context["object_list"])
    assert "Robin" not in response.content.decode()


def test_a_filtered_list_does_not_grow_its_queries_with_events(
    therapist_client, therapist, client_profile, django_assert_max_num_queries
):
    for n in range(3):
        make_client(therapist, f"few{n}@example.org", f"Few Person{n}")
        record(None, AuditEvent.Action.VIEW, client=client_profile)
    params = {"client": client_profile.pk, "created_at_from": "2020-01-01"}
    with django_assert_max_num_queries(40) as few:
        therapist_client.get(AUDIT_URL, params)
    for _ in range(30):
        record(None, AuditEvent.Action.VIEW, client=client_profile)
    with django_assert_max_num_queries(len(few.captured_queries)):
        therapist_client.get(AUDIT_URL, params)
