"""In a real browser: the series walk, and axe-core on every blog page type."""

import pytest

from blog import demo
from blog.models import ArticlePage
from clients import demo as clients_demo
from homework.models import Practice
from tests.conftest import check_axe

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 320, "height": 800}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def demo_blog(live_site):
    practice = Practice.objects.create(
        title="Noticing safe moments", instructions="<p>Each evening, note <b>one</b>.</p>"
    )
    return demo.seed(clients_demo.seed(), {"emotional_safety": practice})


def test_reader_walks_the_series_first_to_last_and_back(demo_blog, live_site, page):
    parts = list(ArticlePage.objects.child_of(demo_blog["series"]).live().order_by("path"))
    page.goto(live_site.url + demo_blog["series"].url)
    page.get_by_role("link", name="Start with part 1").click()
    assert page.locator("h1").inner_text() == parts[0].title
    assert page.locator('a[rel="prev"]').count() == 0

    for number, part in enumerate(parts[1:], start=2):
        page.locator('a[rel="next"]').click()
        assert page.locator("h1").inner_text() == part.title
        assert f"Part {number} of {len(parts)}" in page.locator(".kicker").text_content()
    assert page.locator('a[rel="next"]').count() == 0

    for part in reversed(parts[:-1]):
        page.locator('a[rel="prev"]').click()
        assert page.locator("h1").inner_text() == part.title
    assert page.locator('a[rel="prev"]').count() == 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_blog_pages_pass_axe(demo_blog, live_site, page, viewport, monkeypatch):
    monkeypatch.setattr("blog.models.ARTICLES_PER_PAGE", 2)  # so the index has a page 2
    page.set_viewport_size(VIEWPORTS[viewport])
    index = demo_blog["index"]
    urls = {
        "home": "/",
        "index": index.url,
        "index, page 2": f"{index.url}?page=2",
        "tag filter": f"{index.url}?tag=repair",
        "series": demo_blog["series"].url,
        "article with practice": demo_blog["practice_article"].url,
        "article outside the series": demo_blog["articles"][-1].url,
        "author": f"{index.url}authors/{demo_blog['author'].slug}/",
        "search": "/search/?q=trust",
        "not found": "/no-such-page/",
    }
    failures = {}
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )
    for name, url in urls.items():
        page.goto(live_site.url + url)
        if name == "index, page 2":
            assert page.get_by_role("link", name="Newer articles").is_visible()
        check_axe(page, f"{name} ({viewport})", failures)
    assert not failures, "\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert not blocked, blocked
