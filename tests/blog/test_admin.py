"""The therapist can open every blog screen in the Wagtail admin."""

import pytest

from blog.models import ArticlePage, Author


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
