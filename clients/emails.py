"""Sending e-mail from templates: templates/emails/<name>-subject.txt, -body.txt, -body.html."""

import contextlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)


class MailFailed(Exception):
    """A message was not sent. Its text names the error's type and the given ids only:
    a mail server's answer quotes the recipient's address, so it is never kept."""

    def __init__(self, error, **ids):
        self.error_type = type(error).__name__
        self.permanent = is_permanent(error)
        self.ids = ids
        kind = "permanent" if self.permanent else "temporary"
        named = ", ".join(f"{key} {value}" for key, value in ids.items())
        super().__init__(f"Mail not sent ({kind}, {self.error_type}): {named}")


MAIL_ERRORS = (smtplib.SMTPException, OSError)  # OSError: refused connections, timeouts


def is_permanent(error):
    """A 5xx answer is final; a 4xx answer, a lost connection or a timeout may pass."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def send_reporting_ids(send, *args, ids, **kwargs):
    """Call `send(*args, **kwargs)`; a mail error comes out as MailFailed naming only `ids`.

    Raised `from None` so the original error (and the address in it) is not chained into
    a stored traceback.
    """
    try:
        return send(*args, **kwargs)
    except MAIL_ERRORS as error:
        failed = MailFailed(error, **ids)
    raise failed from None


def send_account_notice(send, user, *args):
    """Send a notice about a change already kept (`send(user, *args)`); True once sent.

    A mail error answers False and is logged by its type and the user's id only (its text
    quotes the address): the caller says so on the page, never with an error page.
    """
    try:
        send(user, *args)
    except MAIL_ERRORS as error:
        logger.error(
            "Account notice %s for user %s not sent (%s).",
            send.__name__,
            user.pk,
            type(error).__name__,
        )
        return False
    return True


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


def _link(url_name, client, tokens):
    """An absolute single-use link naming the client by UUID, never by a guessable id."""
    from django.urls import reverse

    path = reverse(url_name, args=[client.uuid, tokens.make_token(client.user)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_invitation(client):
    """The invitation to set a password; stamps `invited_at`. Any earlier link stays valid
    until it expires or a password is set (which ends every link at once).

    Someone who already has a password (a client of another therapist too) is told they
    were added and can sign in as usual: a link would let the mail reset their password,
    and the mail never says who else they see.
    """
    from django.utils import timezone

    from .tokens import invitation_tokens

    context = {
        "name": client.display_name,
        "therapist_name": client.therapist.get_full_name() or client.therapist.email,
        "days": settings.CLIENT_INVITATION_DAYS,
    }
    if client.has_own_password:
        message = send_templated("added", client.email, context)
    else:
        context["link"] = _link("portal:invitation", client, invitation_tokens)
        message = send_templated("invitation", client.email, context)
    client.invited_at = timezone.now()
    client.save(update_fields=["invited_at", "updated_at"])
    return message


def send_password_reset(client):
    """A reset link, or a fresh invitation for someone who never set a password."""
    from .tokens import password_reset_tokens

    if not client.has_own_password:
        return send_invitation(client)
    return send_templated(
        "password_reset",
        client.email,
        {
            "name": client.display_name,
            "link": _link("portal:password_reset_confirm", client, password_reset_tokens),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def send_authenticator_changed(user):
    """Tells a therapist that a new authenticator app now confirms her sign-ins."""
    return send_templated(
        "authenticator_changed",
        user.email,
        {"name": user.get_full_name() or user.email, "when": timezone.now()},
    )


def send_email_changed(user, old_email):
    """Tells the old address that the sign-in e-mail was changed, and to what."""
    return send_templated(
        "email_changed",
        old_email,
        {
            "name": user.get_full_name() or old_email,
            "new_email": user.email,
            "when": timezone.now(),
        },
    )
