"""In a real browser: the therapist asks for the couple's summary and downloads it."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from homework import pdf
from practice_site import builders as b
from tests.conftest import browser_sign_in

pytestmark = pytest.mark.browser

FAKE = pdf.RenderedPdf(b"%PDF-1.7\n% a stand-in document\n%%EOF\n", 2)


def test_therapist_asks_for_the_couples_summary_and_downloads_it(
    page, live_site, couple, monkeypatch
):
    monkeypatch.setattr(pdf, "render_summary", lambda summary, **kwargs: FAKE)
    today = datetime.date.today()
    b.make_couple_story(couple, start_date=today - datetime.timedelta(weeks=3), weeks=3)

    browser_sign_in(page, couple.therapist.email, base_url=live_site.url, where="admin")
    page.goto(f"{live_site.url}/admin/couples/{couple.pk}/")

    panel = page.locator("#session-summaries-section")
    assert panel.get_by_label("From", exact=True).input_value() == str(
        today - datetime.timedelta(weeks=4)
    )
    assert panel.get_by_label("To", exact=True).input_value() == str(today)
    panel.get_by_role("button", name="Prepare the summary").click()

    link = page.locator("#session-summaries-section").get_by_role("link", name="Download PDF")
    link.wait_for()
    results = Axe().run(page, context="#session-summaries-section")
    assert results.violations_count == 0, results.generate_report()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"session-prep-{today}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == FAKE.content
