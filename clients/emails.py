"""Sending e-mail from templates: templates/emails/<name>-subject.txt, -body.txt, -body.html."""

import contextlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string


def send_templated(name, to, context):
    """Render and send one e-mail. `to` is a single address; returns the message sent."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    body = render_to_string(f"emails/{name}-body.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(
            render_to_string(f"emails/{name}-body.html", context), "text/html"
        )
    message.send()
    return message
