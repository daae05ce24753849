"""Render a session summary now, without the queue, to a file of your choice."""

import datetime
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clients.audit import record
from clients.models import AuditEvent, Client
from homework import pdf
from homework.models import SessionSummary


def parse_date(value, option):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        message = f"{option} must be a date written YYYY-MM-DD, e.g. 2026-10-14."
        raise CommandError(message) from error


class Command(BaseCommand):
    help = (
        "Render a session summary synchronously to a PDF file: the couple's summary when "
        "the client is in a couple. Nothing is stored in the database but an audit event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, metavar="EMAIL", help="The client's e-mail")
        parser.add_argument(
            "--therapist",
            metavar="EMAIL",
            help="The therapist's e-mail, when the client sees several therapists",
        )
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="First day (default: as the admin offers)"
        )
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="Last day (default: today)")
        parser.add_argument("--output", required=True, metavar="FILE.pdf", help="Where to write")

    def handle(self, *args, **options):
        email = options["client"].strip()
        clients = Client.objects.select_related("therapist").filter(user__email__iexact=email)
        if options["therapist"]:
            clients = clients.filter(therapist__email__iexact=options["therapist"].strip())
        if len(clients) > 1:
            raise CommandError(
                f"{email} is a client of several therapists: add --therapist EMAIL to choose."
            )
        client = clients[0] if clients else None
        if client is None:
            raise CommandError(f"No client has the e-mail address {email}.")
        couple = client.couple
        recipient = couple or client

        default_since, default_until = SessionSummary.default_range(
            recipient, today=timezone.localdate()
        )
        until = parse_date(options["until"], "--until") if options["until"] else default_until
        since = parse_date(options["since"], "--since") if options["since"] else None
        if since is None:
            since = default_since if not options["until"] else until - datetime.timedelta(weeks=4)
        if since > until:
            raise CommandError("--since must be on or before --until.")

        output = Path(options["output"]).expanduser()
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")

        summary = SessionSummary(
            therapist=client.therapist, recipient=recipient, since=since, until=until
        )
        try:
            rendered = pdf.render_summary(summary)
        except pdf.FatalURLFetchingError as error:
            raise CommandError("The document tried to load an outside resource.") from error

        # Written beside the target and renamed, so the file is never half there.
        handle, partial = tempfile.mkstemp(dir=output.parent, prefix=".partial-", suffix=".pdf")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(rendered.content)
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        for person in summary.people:
            record(None, AuditEvent.Action.EXPORT, client=person)

        who = f"the couple {couple}" if couple is not None else str(client)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output} ({rendered.page_count} pages, {len(rendered.content)} bytes): "
                f"{who}, {since} to {until}."
            )
        )
