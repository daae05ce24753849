"""The demo blog made by seed_demo."""

import pytest
from django.core.management import call_command

from blog import demo
from blog.models import ArticlePage, Author, SeriesPage
from clients import demo as clients_demo
from clients.models import User
from homework.models import Practice


@pytest.fixture
def people(db):
    return clients_demo.seed()


@pytest.fixture
def practice(db):
    return Practice.objects.create(
        title="Noticing safe moments", instructions="<p>Each evening, note one.</p>"
    )


def practice_blocks(article):
    return [b for b in article.body if b.block_type == "practice"]


def test_demo_has_a_published_series_of_three_and_one_article_outside(people, practice):
    blog = demo.seed(people, {"emotional_safety": practice})
    series = blog["series"]
    parts = ArticlePage.objects.child_of(series).live()
    assert parts.count() >= 3
    assert len(blog["articles"]) == parts.count() + 1
    outside = [a for a in blog["articles"] if a.get_parent().pk != series.pk]
    assert len(outside) == 1
    assert blog["author"].user == people["therapist"]
    assert all(a.author == blog["author"] for a in blog["articles"])
    assert all(len(a.body) >= 5 for a in blog["articles"])


def test_demo_embeds_the_practice_in_one_article(people, practice):
    blog = demo.seed(people, {"emotional_safety": practice})
    assert [b.value for b in practice_blocks(blog["practice_article"])] == [practice]
    assert sum(len(practice_blocks(a)) for a in blog["articles"]) == 1


def test_demo_without_a_practice_leaves_the_block_out_then_adds_it_later(people, practice):
    blog = demo.seed(people, {})
    assert practice_blocks(blog["practice_article"]) == []
    blog = demo.seed(people, {"emotional_safety": practice})
    assert len(practice_blocks(blog["practice_article"])) == 1


def test_demo_is_idempotent(people, practice):
    demo.seed(people, {"emotional_safety": practice})
    counts = (ArticlePage.objects.count(), SeriesPage.objects.count(), Author.objects.count())
    blog = demo.seed(people, {"emotional_safety": practice})
    assert (
        ArticlePage.objects.count(),
        SeriesPage.objects.count(),
        Author.objects.count(),
    ) == counts
    assert len(practice_blocks(blog["practice_article"])) == 1


def test_seed_demo_walk_works_end_to_end(client, db):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    series = SeriesPage.objects.get()
    parts = list(ArticlePage.objects.child_of(series).live().order_by("path"))
    for page in (series, *parts):
        assert client.get(page.url).status_code == 200
    assert client.get("/blog/").status_code == 200


def test_demo_therapist_is_made_as_the_admin_makes_one_and_can_assign(client, db):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    therapist = User.objects.get(email=clients_demo.THERAPIST_EMAIL)
    assert therapist.is_therapist
    assert not therapist.is_staff

    client.force_login(therapist)
    article = next(page for page in ArticlePage.objects.live() if practice_blocks(page))
    assert "Assign to clients" in client.get(article.url).content.decode()
