"""No page issues more queries as articles, tags or series parts grow.

Each page is rendered once to warm caches and renditions, then measured; the count for a
small and a large amount of content must be the same, and below a fixed ceiling.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Author

from .conftest import make_image, paragraph

CEILING = 30


def count_queries(client, url, **params):
    client.get(url, params)  # warm: renditions, site root paths
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def build(make_series, make_article):
    """A series of `n` parts and `n` articles outside it, each with image, author and tags."""

    def build(n):
        series = make_series(f"Series of {n}")
        image = make_image()
        parts, standalone = [], []
        for i in range(n):
            author = Author.objects.create(name=f"Author {n}-{i}")
            common = {
                "author": author,
                "hero_image": image,
                "tags": [f"tag {n}-{i}", f"shared {n}"],
                "body": [paragraph("Words."), {"type": "heading", "value": "A heading"}],
            }
            parts.append(make_article(series=series, title=f"Part {n}-{i}", **common))
            standalone.append(make_article(title=f"Alone {n}-{i}", **common))
        return series, parts, standalone

    return build


def test_series_page_costs_the_same_for_3_or_30_parts(client, build):
    small, _, _ = build(3)
    large, _, _ = build(30)
    assert count_queries(client, small.url) == count_queries(client, large.url) <= CEILING


def test_article_in_a_long_series_costs_the_same(client, build):
    _, small_parts, _ = build(3)
    _, large_parts, _ = build(30)
    assert (
        count_queries(client, small_parts[1].url)
        == count_queries(client, large_parts[15].url)
        <= CEILING
    )


def test_index_costs_the_same_for_3_or_30_articles_and_their_tags(
    client, blog_index, build, django_assert_max_num_queries
):
    build(3)
    few = count_queries(client, blog_index.url)
    build(30)
    many = count_queries(client, blog_index.url)
    assert few == many
    with django_assert_max_num_queries(CEILING):
        client.get(blog_index.url, {"page": 2})


def test_tag_filter_costs_the_same_for_3_or_30_articles(client, blog_index, build):
    build(3)
    few = count_queries(client, blog_index.url, tag="shared-3")
    build(30)
    many = count_queries(client, blog_index.url, tag="shared-30")
    assert few == many <= CEILING


def test_home_author_search_and_feed_cost_the_same_as_content_grows(
    client, home, blog_index, build
):
    _, parts, _ = build(3)
    author = parts[0].author
    urls = [
        (home.url, {}),
        (f"{blog_index.url}authors/{author.slug}/", {}),
        ("/search/", {"q": "words"}),
        (f"{blog_index.url}feed/", {}),
        ("/sitemap.xml", {}),
    ]
    few = [count_queries(client, url, **params) for url, params in urls]
    build(30)
    many = [count_queries(client, url, **params) for url, params in urls]
    assert few == many
    assert max(few) <= CEILING
