"""seed_demo's homework part: believable, idempotent."""

import pytest
from django.core.management import call_command

from clients import demo as clients_demo
from homework import demo
from homework.models import Assignment, Practice, Reflection


def run_seed():
    people = clients_demo.seed()
    practices = demo.seed_practices()
    return people, practices, demo.seed(people, practices, {})


def test_emotional_safety_practice_has_the_four_prompts(db):
    practice = demo.seed_practices()["emotional_safety"]
    kinds = [p.kind for p in practice.prompts.all()]
    assert kinds == ["count", "scale", "text", "text"]
    scale = practice.prompts.get(kind="scale")
    assert scale.flag_at_or_below == 3
    assert scale.scale_low_label
    assert scale.scale_high_label
    assert practice.default_weeks == 4


def test_demo_has_past_reflections_and_an_open_week_to_write(db):
    _people, _, made = run_seed()
    for assignment in made.values():
        current = assignment.current_week()
        assert current is not None
        assert current.is_open()
        assert not Reflection.objects.filter(assignment=assignment, week=current.number).exists()
    assert Reflection.objects.filter(assignment=made["couple"]).count() == 4
    assert Reflection.objects.filter(assignment=made["jordan"]).count() == 3
    assert Reflection.objects.filter(flagged=True).exists()
    assert made["couple"].partner_visibility == Assignment.PartnerVisibility.MUTUAL


def test_the_demo_couple_can_read_each_others_submitted_weeks(db):
    _people, _, made = run_seed()

    reflections = Reflection.objects.filter(assignment=made["couple"])

    assert reflections.count() == 4  # control: both partners wrote both weeks
    assert not reflections.filter(revealed_at__isnull=True).exists()
    assert not any(r.changed_since_reveal for r in reflections)


def test_seeding_twice_adds_nothing(db):
    run_seed()
    counts = (Practice.objects.count(), Assignment.objects.count(), Reflection.objects.count())
    run_seed()
    assert counts == (
        Practice.objects.count(),
        Assignment.objects.count(),
        Reflection.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_command_links_the_practice_to_its_article():
    call_command("seed_demo", "--force")
    call_command("seed_demo", "--force")
    practice = Practice.objects.get()
    assert practice.source_article is not None
    assert Assignment.objects.count() == 2
