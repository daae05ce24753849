"""Page types, where they may live, and creating them through the admin."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import ArticlePage, Author, BlogIndexPage, HomePage, SeriesPage
from clients.groups import ensure_therapists_group
from clients.models import THERAPISTS_GROUP
from practice_site.builders import make_therapist

from .conftest import make_image, paragraph


class PageTreeTests(WagtailPageTestCase):
    """The page tree: home, index, series, articles; created as the therapist would."""

    def setUp(self):
        ensure_therapists_group()
        self.therapist = make_therapist("maya@example.org")
        assert self.therapist.groups.filter(name=THERAPISTS_GROUP).exists()
        self.client.force_login(self.therapist)
        self.home = HomePage.objects.get(depth=2)
        self.index = self.home.add_child(instance=BlogIndexPage(title="Articles", slug="blog"))
        self.series = self.index.add_child(instance=SeriesPage(title="Safe", slug="safe"))

    def test_parent_and_subpage_rules(self):
        self.assertAllowedParentPageTypes(ArticlePage, {BlogIndexPage, SeriesPage})
        self.assertAllowedParentPageTypes(SeriesPage, {BlogIndexPage})
        self.assertAllowedParentPageTypes(BlogIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(BlogIndexPage, {ArticlePage, SeriesPage})
        self.assertAllowedSubpageTypes(SeriesPage, {ArticlePage})
        self.assertAllowedSubpageTypes(ArticlePage, {})
        self.assertCanNotCreateAt(Page, ArticlePage)
        self.assertCanNotCreateAt(HomePage, SeriesPage)
        self.assertCanNotCreateAt(SeriesPage, SeriesPage)

    def test_therapist_creates_an_article_in_a_series(self):
        self.assertCanCreate(
            self.series,
            ArticlePage,
            nested_form_data(
                {
                    "title": "Repair",
                    "slug": "repair",
                    "date": "2026-09-21",
                    "intro": "Mending trust.",
                    "body": streamfield(
                        [
                            ("heading", "An apology is a beginning"),
                            ("paragraph", rich_text("<p>It opens the door.</p>")),
                            ("pull_quote", {"quote": "Stay to understand.", "attribution": ""}),
                        ]
                    ),
                    "tags": "repair, trust",
                }
            ),
        )
        article = ArticlePage.objects.get(slug="repair")
        assert article.get_parent().specific == self.series
        assert sorted(t.name for t in article.tags.all()) == ["repair", "trust"]

    def test_therapist_creates_a_series(self):
        self.assertCanCreate(
            self.index,
            SeriesPage,
            nested_form_data(
                {"title": "Conflict", "slug": "conflict", "description": rich_text("About it.")}
            ),
        )

    # Wagtail's helpers sign in with the first backend, which here is axes' (no get_user).
    @mock.patch(
        "wagtail.test.utils.page_tests.AUTH_BACKEND", "django.contrib.auth.backends.ModelBackend"
    )
    def test_pages_render_and_preview_for_the_therapist(self):
        article = self.series.add_child(instance=ArticlePage(title="One", slug="one"))
        forms = {
            self.home: {"intro": rich_text("Welcome.")},
            self.index: {"intro": rich_text("All of it.")},
            self.series: {"description": rich_text("Three parts.")},
            article: {"date": "2026-09-01", "body": streamfield([]), "tags": ""},
        }
        for page, fields in forms.items():
            self.assertPageIsRenderable(page)
            data = nested_form_data({"title": page.title, "slug": page.slug, **fields})
            self.assertPageIsPreviewable(page, post_data=data, user=self.therapist)


def test_reading_time_counts_the_words_in_the_body(make_article):
    words = " ".join(["word"] * 401)
    article = make_article(
        body=[
            paragraph(words),
            {"type": "pull_quote", "value": {"quote": "a b c", "attribution": "x"}},
        ]
    )
    assert article.reading_minutes == 3
    assert make_article(body=[]).reading_minutes == 1


def test_new_article_is_signed_by_the_therapists_author(therapist_client, therapist, blog_index):
    author = Author.objects.create(name="Maya Okafor", user=therapist)
    response = therapist_client.get(f"/admin/pages/add/blog/articlepage/{blog_index.pk}/")
    assert response.status_code == 200
    assert response.context["form"].initial["author"] == author.pk


@pytest.mark.parametrize("model", ["articlepage", "seriespage"])
def test_slug_clash_is_a_form_error_not_a_crash(therapist_client, blog_index, make_article, model):
    make_article(title="Taken", slug="taken")
    data = nested_form_data(
        {
            "title": "Another",
            "slug": "taken",
            "date": "2026-09-21",
            "body": streamfield([]),
            "description": rich_text(""),
        }
    )
    response = therapist_client.post(f"/admin/pages/add/blog/{model}/{blog_index.pk}/", data)
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert "already in use" in str(response.context["form"].errors["slug"])


def test_therapist_group_may_edit_authors(db):
    group = ensure_therapists_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_author", "change_author", "view_author"} <= codenames
    assert Group.objects.filter(name=THERAPISTS_GROUP).exists()


def test_headings_get_unique_anchors(client, make_article):
    heading = {"type": "heading", "value": "What helps"}
    article = make_article(body=[heading, heading, {"type": "heading", "value": "Main"}])
    html = client.get(article.url).content.decode()
    assert '<h2 id="what-helps">What helps</h2>' in html
    assert '<h2 id="what-helps-2">What helps</h2>' in html
    assert '<h2 id="main-2">Main</h2>' in html


def test_index_title_names_the_topic_and_page(client, blog_index, make_article):
    for _ in range(11):
        make_article(tags=["repair"])
    html = client.get(blog_index.url, {"tag": "repair", "page": 2}).content.decode()
    assert "<title>Articles: repair (page 2) · " in html
    assert "Articles about <strong>repair</strong>" in html


def test_unknown_tag_or_page_gives_a_kind_page_not_an_error(client, blog_index, make_article):
    make_article()
    html = client.get(blog_index.url, {"tag": "nope"}).content.decode()
    assert "There are no articles on that topic." in html
    assert client.get(blog_index.url, {"page": "x"}).status_code == 200
    assert client.get(blog_index.url, {"page": "999"}).status_code == 200


def test_home_page_shows_the_series_and_latest_published_articles(
    client, home, series_of_three, make_article
):
    series, _ = series_of_three
    make_article(title="Unpublished thoughts", live=False)
    newest = make_article(title="Newest of all", date=datetime.date(2027, 1, 1))
    html = client.get(home.url).content.decode()
    assert f'<a href="{series.url}">{series.title}</a>' in html
    assert newest.title in html
    assert "Unpublished thoughts" not in html
    assert html.count('class="article-card"') == 3


def test_body_image_shows_its_alt_text_and_caption(client, make_article):
    image = make_image()
    figure = {
        "image": {
            "image": image.pk,
            "alt_text": "Two chairs facing each other",
            "decorative": False,
        },
        "caption": "The therapy room",
    }
    html = client.get(make_article(body=[{"type": "image", "value": figure}]).url).content.decode()
    assert 'alt="Two chairs facing each other"' in html
    assert "<figcaption>The therapy room</figcaption>" in html


def test_deleted_body_image_leaves_the_article_readable(client, make_article):
    image = make_image()
    figure = {"image": {"image": image.pk, "alt_text": "x", "decorative": False}, "caption": "c"}
    article = make_article(body=[{"type": "image", "value": figure}, paragraph("Still here.")])
    image.delete()
    response = client.get(article.url)
    assert response.status_code == 200
    assert "article-figure" not in response.content.decode()
    assert "Still here." in response.content.decode()
