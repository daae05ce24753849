"""Background tasks (django-q2). They take ids, never objects or addresses."""

from .emails import send_password_reset
from .models import Client


def send_password_reset_email(client_id):
    client = Client.objects.filter(pk=client_id, user__is_active=True).select_related(
        "user", "therapist"
    )
    if client:
        send_password_reset(client[0])
