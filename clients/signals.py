"""Signals clients sends for other apps to answer (its own receivers are in receivers.py)."""

from django.dispatch import Signal

# A client was moved to another therapist: sent by Client.save after the save, with
# `client` (now the new therapist's) and `previous_therapist_id`. Apps that keep a
# therapist beside a client's things move them too.
client_moved = Signal()
