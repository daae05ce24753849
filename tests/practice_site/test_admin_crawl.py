"""Nothing in the admin names another therapist's clients: every page, form, chooser and filter.

The crawl signs in as a therapist, starts at /admin/ and follows every same-site admin address
it finds in a page (links, form actions, chooser and data-* URLs, JSON), GET only, skipping
anything that signs out or changes state. A field, chooser or filter added later is covered
without touching this test.
"""

import datetime
import html
import json
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils.text import slugify

from blog.models import ArticlePage, Author, BlogIndexPage, HomePage
from clients.models import Client, Couple
from practice_site.builders import make_assignment, make_client, make_practice, make_summary, submit

pytestmark = pytest.mark.django_db

PAGE_LIMIT = 400
SAME_SHAPE_LIMIT = 2
ADMIN_URL = re.compile(r"/admin/[^\"'\s<>\\`]*")
# Addresses a GET could still act on, or that only sign out, download or send mail.
SKIP = re.compile(
    r"logout|/delete|unpublish|/lock|/unlock|revert|/archive|/invite|two-step|download"
    r"|/status/|workflow|/move/|/copy/|convert_alias|/cancel|/restore|/publish/"
    r"|editing-sessions|/results/(\?|$)"
)
# Query parameters that only reorder or page a listing, or say where to go back to.
IGNORED_PARAMS = {"next", "ordering", "p", "_w_filter_fragment", "search_all"}


def normalise(url):
    """One filter at a time: a filtered page's links carry its filters into every other one."""
    parts = urlsplit(html.unescape(url))
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k not in IGNORED_PARAMS)
    return parts.path + (f"?{urlencode(query[:1])}" if query else "")


def strings_in(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)


def text_of(response):
    """The page as served (JSON answers' strings joined), e.g. for a chooser's HTML.

    An .xlsx export is compressed, so unreadable here; its .csv twin is read instead.
    """
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = "\n".join(strings_in(json.loads(text)))
    return text


class FilterChoices(HTMLParser):
    """Every choice outside a POST form (listing filters, searches): one address per choice.

    A listing's filters post to its `results/` fragment; the listing itself takes the same
    filters.
    """

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.action = page_url
        self.in_post_form = False
        self.select = None
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "get").lower() != "get"
            self.action = attrs.get("action") or self.page_url
        elif self.in_post_form:
            return
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and attrs.get("value"):
            self.add(self.select, attrs["value"])
        elif tag == "input" and attrs.get("type") in ("radio", "checkbox") and attrs.get("value"):
            self.add(attrs.get("name"), attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form, self.action = False, self.page_url
        elif tag == "select":
            self.select = None

    def add(self, name, value):
        path = re.sub(r"results/$", "", urlsplit(self.action).path)
        if name:
            self.urls.append(f"{path}?{urlencode({name: value})}")


def links_in(url, text):
    forms = FilterChoices(url)
    forms.feed(text)
    found = ADMIN_URL.findall(html.unescape(text).replace("\\/", "/"))
    return found + [u for u in forms.urls if u.startswith("/admin/")]


def shape(url):
    """Addresses that differ only in ids or a filter's value show the same kind of page."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path), tuple(sorted(dict(parse_qsl(parts.query))))


def crawl(client, limit=PAGE_LIMIT, per_shape=SAME_SHAPE_LIMIT):
    """{normalised address: page text} of every admin page reached with a 200.

    Breadth first from /admin/, at most `per_shape` pages of one shape, `limit` in all.
    """
    pages = {}
    queue, queued, shapes = deque(["/admin/"]), {"/admin/"}, Counter()

    def enqueue(found):
        link = normalise(found)
        if link in queued or SKIP.search(link) or shapes[shape(link)] >= per_shape:
            return
        shapes[shape(link)] += 1
        queued.add(link)
        queue.append(link)

    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/admin/"):
            enqueue(response["Location"])
        if response.status_code != 200:
            continue
        text = text_of(response)
        pages[url] = html.unescape(text)
        for found in links_in(url, text):
            enqueue(found)
    return pages


def names_and_addresses(*clients):
    """How a client can be named on a page: full name, e-mail, e-mail in a URL."""
    words = []
    for client in clients:
        email = client.user.email
        words += [client.full_name, email, email.replace("@", "%40")]
    return words


def pages_naming(pages, words):
    """{address: the words it shows} for every page that shows any."""
    found = {url: [word for word in words if word in text] for url, text in pages.items()}
    return {url: shown for url, shown in found.items() if shown}


@pytest.fixture
def therapists_data(therapist, other_therapist, client_profile, couple, outsider, client):
    """Two therapists, each with clients, a couple, an author, an article, assignments,
    reflections and a session summary.

    One of `therapist`'s clients is added through the admin, as she would, so the admin's
    own history records it too.
    """
    client.force_login(therapist)
    response = client.post(
        reverse("clients:add"),
        {"full_name": "Quinn Marlowe", "email": "quinn@example.org", "timezone": "UTC"},
    )
    assert response.status_code == 302
    client.logout()

    partner = make_client(other_therapist, "pat@example.org", "Pat Other")
    Couple.objects.create(therapist=other_therapist, partner_a=outsider, partner_b=partner)
    blog = HomePage.objects.get(depth=2).add_child(
        instance=BlogIndexPage(title="Articles", slug="blog")
    )
    start = datetime.date(2026, 3, 2)
    for owner, owner_client, name in [
        (therapist, client_profile, "Maya Okafor"),
        (other_therapist, outsider, "Ines Duval"),
    ]:
        practice = make_practice(f"Noticing, by {name}")
        author = Author.objects.create(name=name, user=owner)
        blog.add_child(
            instance=ArticlePage(
                title=f"Safety, by {name}",
                slug=slugify(f"safety {name}"),
                date=start,
                owner=owner,
                author=author,
                body=[{"type": "practice", "value": practice.pk}],
            )
        )
        assignment = make_assignment(practice, start_date=start, client=owner_client)
        submit(assignment, owner_client, 1)
        make_summary(client=owner_client, since=start, until=start + datetime.timedelta(weeks=1))
    make_assignment(make_practice("Soft start-up"), start_date=start, couple=couple)
    return {
        "hers": list(Client.objects.filter(therapist=therapist).select_related("user")),
        "theirs": list(Client.objects.filter(therapist=other_therapist).select_related("user")),
    }


def test_no_admin_page_names_another_therapists_clients(client, other_therapist, therapists_data):
    client.force_login(other_therapist)

    pages = crawl(client)

    assert pages_naming(pages, names_and_addresses(*therapists_data["hers"])) == {}
    assert_the_crawl_reached_the_forms(pages)


def assert_the_crawl_reached_the_forms(pages):
    reached = set(pages)
    assert len(reached) >= 80, sorted(reached)
    for form in [
        reverse("wagtailsnippets_blog_author:add"),
        reverse("clients:add"),
        reverse("couples:add"),
        reverse("homework_admin:assign") + "?practice=",
        "/admin/snippets/choose/blog/author/",  # the article's author chooser
        f"/admin/pages/add/blog/articlepage/{BlogIndexPage.objects.get().pk}/",
        "/admin/clients/?archived=",  # a listing filter
    ]:
        assert any(url.startswith(form) for url in reached), (form, sorted(reached))


def test_the_crawl_finds_her_own_clients_names(client, therapist, therapists_data):
    client.force_login(therapist)

    pages = crawl(client)

    named = pages_naming(pages, names_and_addresses(*therapists_data["hers"]))
    found = {word for words in named.values() for word in words}
    assert {"Jordan Lee", "Quinn Marlowe", "quinn@example.org"} <= found
    assert pages_naming(pages, names_and_addresses(*therapists_data["theirs"])) == {}
    assert_the_crawl_reached_the_forms(pages)
