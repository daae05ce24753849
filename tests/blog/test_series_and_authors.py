"""The series landing page, the author card and the author page."""

import re

from blog.models import Author

from .conftest import make_image


def part_titles(response):
    html = response.content.decode()
    return re.findall(r'<span class="visually-hidden">Part (\d+): </span>([^<]+)</a>', html)


def test_series_page_lists_every_published_part_with_its_position(client, series_of_three):
    series, _ = series_of_three
    response = client.get(series.url)
    assert response.status_code == 200
    assert part_titles(response) == [("1", "Safety"), ("2", "Repair"), ("3", "Conflict")]
    assert "A series in 3 parts" in response.content.decode()


def test_series_page_skips_drafts_and_renumbers(client, series_of_three, make_article):
    series, (_, repair, _) = series_of_three
    repair.unpublish()
    make_article(series=series, title="Not yet", live=False)
    assert part_titles(client.get(series.url)) == [("1", "Safety"), ("2", "Conflict")]


def test_empty_series_page_says_so(client, make_series):
    response = client.get(make_series("Coming soon").url)
    assert response.status_code == 200
    assert "The first part of this series is on its way." in response.content.decode()


def test_article_shows_the_author_card_linking_to_the_author_page(
    client, series_of_three, author, blog_index
):
    _, (first, _, _) = series_of_three
    html = client.get(first.url).content.decode()
    author_url = f"{blog_index.url}authors/{author.slug}/"
    assert 'class="author-card"' in html
    assert f'<a href="{author_url}">Maya Okafor</a>' in html
    assert "Maya has worked with couples for fifteen years." in html
    assert 'href="https://example.org/maya"' in html


def test_article_without_author_leaves_the_card_out(client, make_article):
    html = client.get(make_article(author=None).url).content.decode()
    assert "author-card" not in html
    assert "By " not in html


def test_author_photo_is_shown_when_there_is_one(client, make_article, author):
    author.photo = make_image()
    author.save()
    html = client.get(make_article(author=author).url).content.decode()
    assert 'class="author-photo"' in html


def test_author_page_lists_their_published_articles(client, blog_index, make_article, author):
    theirs = make_article(title="Theirs", author=author)
    make_article(title="Draft of theirs", author=author, live=False)
    make_article(title="Someone else's", author=Author.objects.create(name="Ines Duval"))
    response = client.get(f"{blog_index.url}authors/{author.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Maya Okafor" in html
    assert theirs.title in html
    assert "Draft of theirs" not in html
    assert "Someone else" not in html
    assert "<title>Maya Okafor, LMFT · " in html


def test_unknown_author_is_404(client, blog_index):
    assert client.get(f"{blog_index.url}authors/nobody/").status_code == 404


def test_author_slug_is_made_from_the_name_and_kept_unique(db):
    first = Author.objects.create(name="Sam Lee")
    second = Author.objects.create(name="Sam Lee")
    assert (first.slug, second.slug) == ("sam-lee", "sam-lee-2")
    assert str(first) == "Sam Lee"
    assert str(Author(name="Maya Okafor", credentials="LMFT")) == "Maya Okafor, LMFT"
