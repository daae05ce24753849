"""Real WeasyPrint renders of session summaries (few: each takes a moment)."""

import datetime
import io

import pytest
import time_machine
from pypdf import PdfReader

from homework import pdf
from practice_site import builders as b

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 3, 12, 0, tzinfo=datetime.UTC)  # in week 4
START = datetime.date(2026, 9, 1)  # weeks end 13, 20, 27 Sep and 4 Oct


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_couple_summary_holds_both_names_every_reflection_and_the_flag(couple):
    alex, sam = couple.partners
    assignment = b.make_assignment(couple=couple, start_date=START, weeks=4)
    texts = {}
    for week in (1, 2, 3):
        for person in (alex, sam):
            text = f"Reflection of {person.display_name} in week {week}: {b.story(25, week)}"
            texts[(person.pk, week)] = text
            safety = 2 if (person, week) == (sam, 2) else 6
            b.make_reflection(assignment, person, week, text=text, safety=safety)
    summary = b.make_summary(couple=couple, since=START, until=datetime.date(2026, 10, 4))
    fetcher = pdf.SafeURLFetcher()

    rendered = pdf.render_summary(summary, fetcher=fetcher)

    text = pdf_text(rendered.content)
    assert "Alex Rivera & Sam Rivera" in text
    for reflection_text in texts.values():
        assert reflection_text in text
    assert "Flagged for your attention (1)" in text
    assert "Week 2, Sam" in text
    assert "FLAGGED 2 / 10" in text
    assert "No reflection this week." not in text  # week 4 is still open, not missed
    assert "Not sent yet: the week is still open." in text
    assert "Session notes" in text
    assert f"Confidential — page 1 of {rendered.page_count}" in text
    reader = PdfReader(io.BytesIO(rendered.content))
    assert len(reader.pages) == rendered.page_count
    assert reader.attachments == {}
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    for field in (reader.metadata.title, reader.metadata.author):
        assert "Alex" not in field
        assert "Sam" not in field
        assert "Rivera" not in field
    assert fetcher.served == ["homework/pdf/summary.css"]
    assert fetcher.refused == []


RAW_HOSTILE_HTML = """<!DOCTYPE html><html><head>
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="stylesheet" href="http://127.0.0.1:8104/steal.css">
<style>@import url("file:///etc/hostname");
body { background: url(http://169.254.169.254/) }</style>
</head><body>
<p>Hostile page</p>
<img src="file:///etc/passwd" alt="">
<img src="http://169.254.169.254/latest/meta-data/" alt="">
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E" alt="">
<object data="file:///etc/passwd"></object>
<a rel="attachment" href="file:///etc/shadow">a link that would attach a file</a>
</body></html>"""


def test_renderer_refuses_every_fetch_in_raw_hostile_html():
    fetcher = pdf.SafeURLFetcher(strict=False)

    rendered = pdf.render_html(RAW_HOSTILE_HTML, fetcher=fetcher)

    refused = " ".join(fetcher.refused)
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:8104/steal.css",
        "file:///etc/hostname",
        "http://169.254.169.254/",
        "data:image/svg+xml",
    ):
        assert url in refused
    assert fetcher.served == []
    text = pdf_text(rendered.content)
    assert "Hostile page" in text
    assert "root:" not in text
    reader = PdfReader(io.BytesIO(rendered.content))
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in rendered.content


def test_strict_renderer_stops_at_the_first_refused_fetch():
    fetcher = pdf.SafeURLFetcher()

    with pytest.raises(pdf.FatalURLFetchingError):
        pdf.render_html('<img src="file:///etc/passwd">', fetcher=fetcher)

    assert fetcher.refused == ["file:///etc/passwd"]
