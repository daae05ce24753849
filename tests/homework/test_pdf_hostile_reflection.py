"""Markup a client types into the portal form prints as text in the PDF and loads nothing."""

import datetime
import io

from django.urls import reverse
from pypdf import PdfReader

from homework import pdf
from homework.models import Reflection
from practice_site import builders as b
from practice_site.builders import post_data

# At most 200 characters: the text prompt's limit in the shared practice.
HOSTILE = (
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
    '<a href="http://127.0.0.1:8104/">x</a> http://169.254.169.254/latest/'
)


def test_markup_typed_in_the_portal_prints_as_text_and_fetches_nothing(
    portal_client, assignment, in_week_2
):
    response = portal_client.post(
        reverse("homework:reflection", args=[assignment.uuid, 2]),
        post_data(assignment, text=HOSTILE, submit_reflection="1"),
    )
    assert response.status_code == 302
    assert Reflection.objects.get().status == Reflection.Status.SUBMITTED
    summary = b.make_summary(
        client=assignment.client,
        since=datetime.date(2026, 3, 2),
        until=datetime.date(2026, 3, 11),
    )
    fetcher = pdf.SafeURLFetcher()

    rendered = pdf.render_summary(summary, fetcher=fetcher)

    reader = PdfReader(io.BytesIO(rendered.content))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "".join(HOSTILE.split()) in text  # wrapped lines compared without white space
    assert "root:x:0:0" not in text
    assert fetcher.refused == []
    assert fetcher.served == ["homework/pdf/summary.css"]
    assert reader.attachments == {}
    assert b"/EmbeddedFile" not in rendered.content
    assert b"/URI" not in rendered.content  # the typed link is not a live link
