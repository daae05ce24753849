from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog import demo as blog_demo
from clients import demo as clients_demo
from homework import demo as homework_demo


class Command(BaseCommand):
    help = (
        "Create the demo content: a therapist, a published series with a practice, a couple "
        "and an individual client with a few weeks of reflections. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo adds demo people with a known password, so it only runs with "
                "DEBUG on. Use --force if you really want demo content on this site."
            )
        with transaction.atomic():
            people = clients_demo.seed()
            practices = homework_demo.seed_practices()
            blog = blog_demo.seed(people, practices)
            homework_demo.seed(people, practices, blog)

        password = clients_demo.demo_password()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Sign in with these (password: {password}):")
        self.stdout.write(f"  therapist  {clients_demo.THERAPIST_EMAIL}  at /admin/")
        for email, label in clients_demo.CLIENT_LABELS.items():
            self.stdout.write(f"  {label:<10} {email}  at /portal/")
