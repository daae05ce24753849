"""Background tasks (django-q2). They take ids, never objects or addresses.

django-q keeps a failed task's arguments and exception text: neither may name a person.
"""

from .emails import send_password_reset
from .models import Client


def send_password_reset_email(client_id):
    """Sends the client a reset link; does nothing for None or an unknown or closed account.

    The portal enqueues this for every request, known e-mail or not, so both paths look alike.
    """
    client = (
        Client.objects.filter(pk=client_id, user__is_active=True)
        .select_related("user", "therapist")
        .first()
    )
    if client is not None:
        send_password_reset(client)
