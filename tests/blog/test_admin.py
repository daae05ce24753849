"""The therapist can open every blog screen in the Wagtail admin."""

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import ArticlePage, Author
from clients.models import User


@pytest.fixture
def pages(series_of_three, blog_index, home):
    series, parts = series_of_three
    return {"home": home, "index": blog_index, "series": series, "article": parts[0]}


@pytest.mark.parametrize(
    ("model", "parent"),
    [("articlepage", "index"), ("articlepage", "series"), ("seriespage", "index")],
)
def test_therapist_can_open_the_create_forms(therapist_client, pages, model, parent):
    response = therapist_client.get(f"/admin/pages/add/blog/{model}/{pages[parent].pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["home", "index", "series", "article"])
def test_therapist_can_open_the_edit_forms(therapist_client, pages, name):
    assert therapist_client.get(f"/admin/pages/{pages[name].pk}/edit/").status_code == 200


def test_series_explorer_lists_parts_in_series_order(therapist_client, pages):
    response = therapist_client.get(f"/admin/pages/{pages['series'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Safety") < html.index("Repair") < html.index("Conflict")


def test_therapist_can_list_add_and_edit_authors(therapist_client, author):
    assert therapist_client.get("/admin/snippets/blog/author/").status_code == 200
    assert therapist_client.get("/admin/snippets/blog/author/add/").status_code == 200
    edit = f"/admin/snippets/blog/author/edit/{author.pk}/"
    assert therapist_client.get(edit).status_code == 200


def test_author_slug_clash_is_a_form_error(therapist_client, author):
    response = therapist_client.post(
        "/admin/snippets/blog/author/add/", {"name": "Someone", "slug": author.slug}
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert Author.objects.count() == 1


def test_therapist_adds_an_author_without_a_slug(therapist_client, db):
    response = therapist_client.post(
        "/admin/snippets/blog/author/add/", {"name": "Maya Okafor", "credentials": "LMFT"}
    )
    assert response.status_code == 302
    assert Author.objects.get().slug == "maya-okafor"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("heading", "What safety feels like"),
        ("paragraph", "Safety is not the absence of conflict."),
        ("pull_quote", "Repair is not saying sorry quickly."),
        ("image", "A caption under the picture"),
        ("practice", "Notice one safe moment"),
    ],
)
def test_every_block_has_a_preview_in_the_block_picker(therapist_client, name, expected):
    from homework.models import Practice

    from .conftest import make_image

    make_image()
    Practice.objects.create(title="Notice one safe moment", instructions="<p>Each day.</p>")
    block = ArticlePage._meta.get_field("body").stream_block.child_blocks[name]
    assert block.is_previewable
    response = therapist_client.get("/admin/block-preview/", {"id": block.definition_prefix})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "css/site.css" in html


def test_therapist_moves_an_article_into_a_series(therapist_client, pages, make_article):
    article = make_article(title="Now a part")
    series = pages["series"]
    url = f"/admin/pages/{article.pk}/move/{series.pk}/confirm/"
    assert therapist_client.get(url).status_code == 200
    response = therapist_client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.get_parent().pk == series.pk
    assert article.series.pk == series.pk
    assert "Part 4 of 4" in therapist_client.get(article.url).content.decode()


def test_therapist_reorders_parts_by_drag_and_drop(therapist_client, client, pages):
    series = pages["series"]
    conflict = series.get_children().order_by("path").last()
    # What the explorer sends when "Conflict" is dropped at the top.
    response = therapist_client.post(f"/admin/pages/{conflict.pk}/set_position/?position=0")
    assert response.status_code == 200
    titles = [p.title for p in series.get_children().order_by("path")]
    assert titles == ["Conflict", "Safety", "Repair"]
    html = client.get(conflict.specific.url).content.decode()
    assert "Part 1 of 3" in html


def test_author_chooser_finds_authors_by_name(therapist_client, author):
    response = therapist_client.get("/admin/snippets/choose/blog/author/", {"q": "okafor"})
    assert response.status_code == 200
    assert "Maya Okafor" in response.content.decode()
    response = therapist_client.get("/admin/snippets/choose/blog/author/", {"q": "nobody"})
    assert "Maya Okafor" not in response.content.decode()


@pytest.mark.parametrize("parent", ["index", "series"])
def test_therapist_previews_a_new_article_before_saving_it(therapist_client, pages, parent):
    url = f"/admin/pages/add/blog/articlepage/{pages[parent].pk}/preview/"
    data = nested_form_data(
        {
            "title": "Not saved yet",
            "slug": "not-saved-yet",
            "date": "2026-12-01",
            "body": streamfield([("paragraph", rich_text("<p>Draft words.</p>"))]),
            "tags": "",
        }
    )
    assert therapist_client.post(url, data).json()["is_valid"]
    response = therapist_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not saved yet" in html
    assert "Draft words." in html


AUTHOR_ADD = "/admin/snippets/blog/author/add/"


def user_choices(response):
    return list(response.context["form"].fields["user"].queryset)


def test_therapist_can_link_an_author_only_to_herself(
    therapist_client, therapist, other_therapist, client_profile, outsider
):
    response = therapist_client.get(AUTHOR_ADD)

    assert user_choices(response) == [therapist]
    html = response.content.decode()
    assert "Maya Okafor" in html
    for other in ("Ines Duval", "Jordan Lee", "Robin Outsider", "jordan@example.org"):
        assert other not in html


def test_owner_links_an_author_to_any_therapist_but_never_a_client(
    client, therapist, other_therapist, client_profile, outsider
):
    owner = User.objects.create_superuser(email="owner@example.org", password="x")
    client.force_login(owner)

    choices = user_choices(client.get(AUTHOR_ADD))

    assert set(choices) == {owner, therapist, other_therapist}


def test_a_clients_account_is_refused_as_an_authors_user(
    therapist_client, client_profile, outsider
):
    for person in (client_profile, outsider):
        response = therapist_client.post(AUTHOR_ADD, {"name": "Someone", "user": person.user.pk})
        assert response.status_code == 200
        assert "user" in response.context["form"].errors
    assert not Author.objects.exists()


def test_editing_another_therapists_author_keeps_her_link(
    therapist_client, therapist, other_therapist
):
    theirs = Author.objects.create(name="Ines Duval", user=other_therapist)
    edit = f"/admin/snippets/blog/author/edit/{theirs.pk}/"

    assert set(user_choices(therapist_client.get(edit))) == {therapist, other_therapist}
    therapist_client.post(edit, {"name": "Ines Duval", "user": other_therapist.pk})
    theirs.refresh_from_db()
    assert theirs.user == other_therapist


def test_upgrading_unlinks_an_author_from_an_account_that_is_not_a_therapists(
    therapist, client_profile
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("blog.migrations.0004_authors_link_only_therapists")
    superuser = User.objects.create_superuser("owner@example.org", "x")
    hers = Author.objects.create(name="Maya Okafor", user=therapist)
    owners = Author.objects.create(name="The owner", user=superuser)
    leaked = Author.objects.create(name="Linked by mistake", user=client_profile.user)

    migration.unlink_non_therapists(apps, None)

    assert Author.objects.get(pk=leaked.pk).user is None
    assert Author.objects.get(pk=hers.pk).user == therapist
    assert Author.objects.get(pk=owners.pk).user == superuser
