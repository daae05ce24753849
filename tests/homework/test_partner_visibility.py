"""Couples: each partner writes their own; a partner reads the other's only by mutual reveal."""

from django.urls import reverse

from homework.models import Assignment
from practice_site.builders import post_data, submit


def assignment_page(client, assignment):
    return client.get(reverse("homework:assignment", args=[assignment.uuid])).content.decode()


def test_private_by_default_partner_never_reads(
    client, practice, couple, partner_a, partner_b, in_week_2
):
    from practice_site.builders import make_assignment

    assignment = make_assignment(practice, couple=couple)
    submit(assignment, partner_a, 1, text="Alex's own words")
    submit(assignment, partner_b, 1, text="Sam's own words")
    client.force_login(partner_b.user)
    page = assignment_page(client, assignment)
    assert "Alex's own words" not in page.replace("&#x27;", "'")
    form = client.get(reverse("homework:reflection", args=[assignment.uuid, 2])).content.decode()
    assert "Only Maya (your therapist) reads this. Alex won&#x27;t see it." in form


def test_mutual_reveal_waits_for_both(client, couple_assignment, partner_a, partner_b, in_week_2):
    submit(couple_assignment, partner_a, 1, text="Alex wrote this")
    client.force_login(partner_b.user)
    assert "Alex wrote this" not in assignment_page(client, couple_assignment)
    client.force_login(partner_a.user)
    page = assignment_page(client, couple_assignment)
    assert "once they've submitted theirs" in page

    submit(couple_assignment, partner_b, 1, text="Sam wrote this")
    assert "Sam wrote this" in assignment_page(client, couple_assignment)
    client.force_login(partner_b.user)
    assert "Alex wrote this" in assignment_page(client, couple_assignment)


def test_mutual_reveal_reading_is_audited(
    client, couple_assignment, partner_a, partner_b, in_week_2
):
    from clients.models import AuditEvent

    submit(couple_assignment, partner_a, 1)
    submit(couple_assignment, partner_b, 1)
    client.force_login(partner_b.user)
    assignment_page(client, couple_assignment)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.client == partner_a
    assert event.actor == partner_b.user


def test_a_draft_is_never_revealed(client, couple_assignment, partner_a, partner_b, in_week_2):
    submit(couple_assignment, partner_a, 2)
    client.force_login(partner_b.user)
    client.post(
        reverse("homework:reflection", args=[couple_assignment.uuid, 2]),
        post_data(couple_assignment, text="Sam's draft only", save_draft="1"),
    )
    client.force_login(partner_a.user)
    assert "Sam&#x27;s draft only" not in assignment_page(client, couple_assignment)


def test_each_partner_writes_their_own(client, couple_assignment, partner_a, partner_b, in_week_2):
    url = reverse("homework:reflection", args=[couple_assignment.uuid, 2])
    for person, words in [(partner_a, "Alex here"), (partner_b, "Sam here")]:
        client.force_login(person.user)
        client.post(url, post_data(couple_assignment, text=words, submit_reflection="1"))
    texts = {
        r.client_id: r.answers[couple_assignment.prompts[3]["key"]]
        for r in couple_assignment.reflections.all()
    }
    assert texts == {partner_a.pk: "Alex here", partner_b.pk: "Sam here"}


def test_the_form_says_when_the_partner_will_read_it(
    client, couple_assignment, partner_a, in_week_2
):
    client.force_login(partner_a.user)
    page = client.get(
        reverse("homework:reflection", args=[couple_assignment.uuid, 2])
    ).content.decode()
    assert "Sam will be able to read it once you&#x27;ve both submitted week 2" in page
    assert couple_assignment.partner_visibility == Assignment.PartnerVisibility.MUTUAL


# --- After the reveal: a rewrite shows as a change, with what the partner first read ----------


def test_a_rewrite_after_the_reveal_is_marked_and_the_first_version_kept(
    client, couple_assignment, partner_a, partner_b, in_week_2
):
    submit(couple_assignment, partner_a, 2, text="Alex first wrote this")
    submit(couple_assignment, partner_b, 2, text="Sam wrote this")
    client.force_login(partner_b.user)
    first = assignment_page(client, couple_assignment)
    assert "Alex first wrote this" in first
    assert "changed this after you could read it" not in first  # control: nothing changed yet

    client.force_login(partner_a.user)
    reflection = couple_assignment.reflections.get(client=partner_a)
    client.post(
        reverse("homework:reflection", args=[couple_assignment.uuid, 2]),
        post_data(
            couple_assignment,
            text="Alex rewrote it",
            version=str(reflection.version),
            submit_reflection="1",
        ),
    )

    client.force_login(partner_b.user)
    page = assignment_page(client, couple_assignment).replace("&#x27;", "'")
    assert "Alex rewrote it" in page
    assert "Alex changed this after you could read it on " in page
    # Closed, the partner's reflection already says it changed.
    summary = page.split("Read Alex's reflection for week 2")[1].split("</summary>")[0]
    assert "changed" in summary
    assert "What Alex first wrote" in page
    assert "Alex first wrote this" in page


def test_the_writer_is_told_before_saving_that_their_partner_has_read_it(
    client, couple_assignment, partner_a, partner_b, in_week_2
):
    week_2 = reverse("homework:reflection", args=[couple_assignment.uuid, 2])
    submit(couple_assignment, partner_a, 2)
    client.force_login(partner_a.user)
    assert "has already been able to read" not in client.get(week_2).content.decode()

    submit(couple_assignment, partner_b, 2)
    page = client.get(week_2).content.decode()
    assert "Sam has already been able to read this week" in page
    assert "marked as changed" in page


def test_a_private_assignment_keeps_no_revealed_version(
    practice, couple, partner_a, partner_b, in_week_2
):
    from practice_site.builders import make_assignment

    assignment = make_assignment(practice, couple=couple)
    submit(assignment, partner_a, 2)
    submit(assignment, partner_b, 2)
    assert not assignment.reflections.filter(revealed_at__isnull=False).exists()
