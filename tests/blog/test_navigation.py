"""Previous/next between articles: series order, or dates outside a series."""

import datetime
import re

import pytest
from wagtail.models import PageViewRestriction


def links(response):
    """The (rel, href) pairs of the pager's previous/next links."""
    html = response.content.decode()
    return dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', html))


def test_first_part_links_only_forward(client, series_of_three):
    _, (first, second, _) = series_of_three
    response = client.get(first.url)
    assert response.status_code == 200
    assert links(response) == {"next": second.url}
    assert "Part 1 of 3" in response.content.decode()


def test_middle_part_links_both_ways(client, series_of_three):
    series, (first, second, third) = series_of_three
    response = client.get(second.url)
    assert links(response) == {"prev": first.url, "next": third.url}
    html = response.content.decode()
    assert "Part 2 of 3" in html
    assert f'<a href="{series.url}">{series.title}</a>' in html


def test_last_part_links_only_back(client, series_of_three):
    _, (_, second, third) = series_of_three
    response = client.get(third.url)
    assert links(response) == {"prev": second.url}
    assert "Part 3 of 3" in response.content.decode()


def test_unpublished_neighbour_is_skipped_and_not_counted(client, series_of_three):
    _, (first, second, third) = series_of_three
    second.unpublish()
    response = client.get(first.url)
    assert links(response) == {"next": third.url}
    assert "Part 1 of 2" in response.content.decode()
    assert links(client.get(third.url)) == {"prev": first.url}


def test_private_neighbour_is_skipped(client, series_of_three):
    _, (first, second, third) = series_of_three
    PageViewRestriction.objects.create(
        page=second, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert links(client.get(first.url)) == {"next": third.url}


def test_deleted_neighbour_never_leaves_a_broken_link(client, series_of_three):
    _, (first, second, third) = series_of_three
    second.delete()
    response = client.get(third.url)
    assert links(response) == {"prev": first.url}
    assert client.get(links(response)["prev"]).status_code == 200


def test_reordering_the_children_reorders_the_series(client, series_of_three):
    _, (first, second, third) = series_of_three
    # What drag and drop in the explorer does: move the last part before the first.
    third.move(first, pos="left")
    response = client.get(first.url)
    assert links(response) == {"prev": third.url, "next": second.url}
    assert "Part 2 of 3" in response.content.decode()


def test_series_name_is_plain_text_while_the_series_is_a_draft(client, series_of_three):
    series, (first, _, _) = series_of_three
    series.unpublish()
    html = client.get(first.url).content.decode()
    assert f'<a href="{series.url}"' not in html
    assert series.title in html


def test_article_in_no_series_links_to_its_chronological_neighbours(client, make_article):
    older = make_article(title="Older", date=datetime.date(2026, 1, 1))
    newest = make_article(title="Newest", date=datetime.date(2026, 3, 1))
    middle = make_article(title="Middle", date=datetime.date(2026, 2, 1))
    response = client.get(middle.url)
    assert links(response) == {"prev": older.url, "next": newest.url}
    html = response.content.decode()
    assert "Earlier article" in html
    assert "Part " not in html


def test_oldest_and_newest_articles_show_only_the_link_that_exists(client, make_article):
    older = make_article(title="Older", date=datetime.date(2026, 1, 1))
    newer = make_article(title="Newer", date=datetime.date(2026, 2, 1))
    assert links(client.get(older.url)) == {"next": newer.url}
    assert links(client.get(newer.url)) == {"prev": older.url}


def test_articles_on_the_same_day_keep_a_stable_order(client, make_article):
    day = datetime.date(2026, 5, 5)
    a, b, c = (make_article(title=t, date=day) for t in ("A", "B", "C"))
    assert links(client.get(b.url)) == {"prev": a.url, "next": c.url}


def test_standalone_neighbours_skip_drafts_and_series_parts(client, make_article, series_of_three):
    first = make_article(title="First", date=datetime.date(2025, 1, 1))
    make_article(title="Draft", date=datetime.date(2025, 2, 1), live=False)
    last = make_article(title="Last", date=datetime.date(2025, 3, 1))
    # The series' parts are dated between them but walk their own series.
    assert links(client.get(first.url)) == {"next": last.url}


def test_a_lone_article_links_back_to_all_articles(client, make_article, blog_index):
    article = make_article()
    response = client.get(article.url)
    assert links(response) == {}
    assert f'<a href="{blog_index.url}">All articles</a>' in response.content.decode()


@pytest.mark.parametrize("rel", ["prev", "next"])
def test_pager_links_carry_rel(client, series_of_three, rel):
    _, (_, second, _) = series_of_three
    assert f'rel="{rel}"' in client.get(second.url).content.decode()
