"""RSS feed, sitemap, robots.txt and the tags in each page's head."""

import datetime
import xml.etree.ElementTree as ET

from .conftest import make_image

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_feed_is_valid_rss_with_the_published_articles_newest_first(
    client, blog_index, make_article, author
):
    older = make_article(title="Older", date=datetime.date(2026, 1, 1), author=author)
    newer = make_article(title="Newer", date=datetime.date(2026, 2, 1), tags=["repair"])
    make_article(title="A draft", live=False)
    response = client.get(f"{blog_index.url}feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 (our own output)
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Newer", "Older"]
    assert items[0].findtext("link") == f"http://testserver{newer.url}"
    assert items[0].findtext("description") == newer.intro
    assert items[0].findtext("category") == "repair"
    assert items[1].findtext("{http://purl.org/dc/elements/1.1/}creator") == "Maya Okafor, LMFT"
    assert items[1].findtext("link") == f"http://testserver{older.url}"


def test_pages_advertise_the_feed(client, blog_index, series_of_three, home):
    _, (first, _, _) = series_of_three
    for url in (home.url, blog_index.url, first.url, "/search/"):
        html = client.get(url).content.decode()
        assert (
            f'<link rel="alternate" type="application/rss+xml" title="Articles: new articles" '
            f'href="{blog_index.url}feed/">' in html
        ), url


def test_sitemap_lists_published_pages_and_author_pages(
    client, blog_index, series_of_three, make_article, author
):
    series, parts = series_of_three
    draft = make_article(title="Draft", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        loc.text
        for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)  # noqa: S314
    }
    base = "http://localhost"
    for page in (blog_index, series, *parts):
        assert base + page.url in locations
    assert f"{base}{blog_index.url}authors/{author.slug}/" in locations
    assert base + draft.url not in locations


def test_robots_txt_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /portal/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_article_head_has_seo_and_open_graph_tags(client, make_article, author):
    article = make_article(
        title="Repair",
        seo_title="Repair after a breach of trust",
        search_description="How trust is mended.",
        hero_image=make_image(description="Two cups of tea on a table"),
        author=author,
        tags=["trust"],
    )
    html = client.get(article.url).content.decode()
    assert "<title>Repair after a breach of trust · " in html
    assert '<meta name="description" content="How trust is mended.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Repair after a breach of trust">' in html
    assert f'<meta property="og:url" content="http://testserver{article.url}">' in html
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html
    assert '<meta property="og:image" content="http' in html
    assert '<meta property="article:tag" content="trust">' in html
    assert '<meta property="og:image:alt" content="Two cups of tea on a table">' in html
    assert 'alt="Two cups of tea on a table"' in html


def test_description_falls_back_to_the_intro(client, make_article):
    article = make_article(intro="Small fights, done better.")
    html = client.get(article.url).content.decode()
    assert '<meta name="description" content="Small fights, done better.">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_article_without_hero_image_renders_without_one(client, make_article):
    response = client.get(make_article(hero_image=None).url)
    assert response.status_code == 200
    assert "article-hero" not in response.content.decode()
    assert "og:image" not in response.content.decode()


def test_deleted_hero_image_leaves_the_article_readable(client, make_article):
    image = make_image()
    article = make_article(hero_image=image)
    image.delete()
    response = client.get(article.url)
    assert response.status_code == 200
    assert "article-hero" not in response.content.decode()
