"""What homework does when clients tells it something changed."""

from django.dispatch import receiver

from clients.models import Client
from clients.signals import client_moved

from .models import Assignment, SessionSummary


@receiver(client_moved, sender=Client, dispatch_uid="homework_follows_a_moved_client")
def follow_moved_client(sender, client, **kwargs):
    """A moved client's own homework and summaries name their new therapist: who is told
    of reflections, whom the portal says reads them, whose summaries they are."""
    Assignment.objects.filter(client=client).update(therapist_id=client.therapist_id)
    SessionSummary.objects.filter(client=client).update(therapist_id=client.therapist_id)
