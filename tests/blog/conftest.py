"""Page-tree builders for the blog tests.

`blog_index` is /blog/ under the home page a migration made; `make_series(...)` and
`make_article(series=..., **kwargs)` add pages below it, live unless `live=False`.
"""

import datetime
import io
import itertools

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.images import get_image_model

from blog.models import ArticlePage, Author, BlogIndexPage, HomePage, SeriesPage

_numbers = itertools.count(1)


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def make_image(title="A calm picture", description=""):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 32), (200, 220, 210)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, description=description, file=ImageFile(buffer, name="calm.png")
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths; a test's rolled-back Site must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return HomePage.objects.get(depth=2)


@pytest.fixture
def blog_index(home):
    index = home.add_child(instance=BlogIndexPage(title="Articles", slug="blog"))
    return index


@pytest.fixture
def author(db):
    return Author.objects.create(
        name="Maya Okafor",
        credentials="LMFT",
        bio="Maya has worked with couples for fifteen years.",
        website="https://example.org/maya",
    )


@pytest.fixture
def make_series(blog_index):
    def make(title=None, live=True, **fields):
        n = next(_numbers)
        title = title or f"Series {n}"
        series = SeriesPage(title=title, slug=f"{slugify(title)}-{n}", live=live, **fields)
        return blog_index.add_child(instance=series)

    return make


@pytest.fixture
def make_article(blog_index):
    days = itertools.count(1)  # each test's articles are a day apart, from 2 September 2026

    def make(series=None, title=None, live=True, tags=(), body=None, parent=None, **fields):
        n = next(_numbers)
        title = title or f"Article {n}"
        fields.setdefault("date", datetime.date(2026, 9, 1) + datetime.timedelta(days=next(days)))
        article = ArticlePage(
            title=title,
            slug=fields.pop("slug", f"{slugify(title)}-{n}"),
            live=live,
            intro=fields.pop("intro", f"The intro of {title}."),
            body=body if body is not None else [paragraph(f"The body of {title}.")],
            **fields,
        )
        (parent or series or blog_index).add_child(instance=article)
        if tags:
            article.tags.add(*tags)
            article.save()
        return article

    return make


@pytest.fixture
def series_of_three(make_series, make_article, author):
    series = make_series("Feeling safe together")
    parts = [
        make_article(series=series, title=title, author=author)
        for title in ("Safety", "Repair", "Conflict")
    ]
    return series, parts
