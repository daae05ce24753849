"""For one client or one couple: the recipient of an assignment or of a session summary.

- Exactly one of `client` and `couple` is set (a database constraint on each model).
- The people are the client alone or both partners; a couple's dates follow the first
  partner's time zone.
- "client" and "couple" are the words URLs and forms use for the two kinds.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse

from clients.models import TherapistOwnedQuerySet

ADMIN_PAGES = {"client": "clients:detail", "couple": "couples:detail"}
TIMELINES = {"client": "homework_admin:client_timeline", "couple": "homework_admin:couple_timeline"}


def recipient_kind(recipient):
    """The word for a Client or a Couple: "client" or "couple"."""
    return "couple" if recipient._meta.model_name == "couple" else "client"


def recipient_key(recipient):
    return recipient_kind(recipient), recipient.pk


def _url(names, key):
    kind, pk = key
    return reverse(names[kind], args=[pk])


def recipient_admin_url(recipient):
    """The client's or couple's page in the admin."""
    return _url(ADMIN_PAGES, recipient_key(recipient))


def recipient_timeline_url(recipient):
    """Every week of the recipient's homework, in the admin."""
    return _url(TIMELINES, recipient_key(recipient))


def recipient_assign_url(recipient):
    """The form to assign a practice, with the recipient chosen."""
    return f"{reverse('homework_admin:assign')}?{recipient_kind(recipient)}={recipient.pk}"


def recipient_people(recipient):
    """The clients it is for: the client alone, or both partners."""
    return recipient.partners if recipient_kind(recipient) == "couple" else [recipient]


class RecipientQuerySet(TherapistOwnedQuerySet):
    owner_paths = ("client__therapist", "couple__therapist")

    def for_recipient(self, recipient):
        return self.filter(**{recipient_kind(recipient): recipient})

    def for_any_of(self, people):
        """Those any of these clients is one of the people of, alone or as a partner."""
        return self.filter(
            models.Q(client__in=people)
            | models.Q(couple__partner_a__in=people)
            | models.Q(couple__partner_b__in=people)
        )

    def for_client(self, client):
        """Those this client is one of the people of: their own and their couple's."""
        return self.for_any_of([client])

    def with_people(self):
        return self.select_related("therapist", "client", "couple__partner_a", "couple__partner_b")


class ForOneRecipient(models.Model):
    """Given to, or made for, one client or one couple.

    - `therapist`: who gave or asked for it; on creation the recipient's therapist unless set.
    - Each model names its reverse relations with `Meta.default_related_name`.
    """

    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    client = models.ForeignKey("clients.Client", null=True, blank=True, on_delete=models.CASCADE)
    couple = models.ForeignKey("clients.Couple", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(client__isnull=False, couple__isnull=True)
                    | models.Q(client__isnull=True, couple__isnull=False)
                ),
                name="%(class)s_client_xor_couple",
            ),
        ]

    def save(self, *args, **kwargs):
        if self._state.adding and not self.therapist_id:
            self.therapist_id = self.recipient.therapist_id
        super().save(*args, **kwargs)

    @property
    def recipient(self):
        return self.client if self.client_id else self.couple

    @recipient.setter
    def recipient(self, recipient):
        """`Model(recipient=...)` sets the one field and clears the other."""
        couple = recipient_kind(recipient) == "couple"
        self.client, self.couple = (None, recipient) if couple else (recipient, None)

    @property
    def recipient_key(self):
        """("client", pk) or ("couple", pk), read without loading the recipient."""
        return ("client", self.client_id) if self.client_id else ("couple", self.couple_id)

    @property
    def recipient_kind(self):
        return self.recipient_key[0]

    @property
    def recipient_admin_url(self):
        return _url(ADMIN_PAGES, self.recipient_key)

    @property
    def recipient_timeline_url(self):
        return _url(TIMELINES, self.recipient_key)

    @property
    def people(self):
        return recipient_people(self.recipient)

    @property
    def zoneinfo(self):
        """The client's time zone; a couple's is the first partner's."""
        person = self.client if self.client_id else self.couple.partner_a
        return zoneinfo.ZoneInfo(person.timezone)
