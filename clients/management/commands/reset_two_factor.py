"""Removes a therapist's authenticator devices, e.g. after a lost phone."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.models import User


class Command(BaseCommand):
    help = "Remove a therapist's two-step sign-in devices so they can set up a new one."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(
            f"Removed {deleted} device(s). {user.email} sets up a new one at the next sign-in."
        )
