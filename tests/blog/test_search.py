"""Search over published, public articles (Wagtail search, database backend)."""

from wagtail.models import PageViewRestriction

from .conftest import paragraph


def test_search_finds_articles_by_words_in_their_body(client, make_article):
    found = make_article(title="Repair", body=[paragraph("Apologies open the door to repair.")])
    make_article(title="Conflict", body=[paragraph("The dishwasher again.")])
    response = client.get("/search/", {"q": "apologies"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{found.url}"' in html
    assert "Conflict" not in html
    assert "1 article found" in html


def test_search_leaves_out_drafts_and_private_articles(client, make_article):
    make_article(title="Draft", live=False, body=[paragraph("hidden lantern")])
    private = make_article(title="Private", body=[paragraph("hidden lantern")])
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    html = client.get("/search/", {"q": "lantern"}).content.decode()
    assert "Nothing matched “lantern”" in html


def test_empty_search_shows_just_the_form(client, blog_index):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert "found" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_search_keeps_what_was_typed_in_the_box(client, blog_index):
    html = client.get("/search/", {"q": "  feeling <safe>  "}).content.decode()
    assert 'value="feeling &lt;safe&gt;"' in html
