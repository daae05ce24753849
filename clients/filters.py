"""Filters for the therapist's listings. Every choice offered is the therapist's own."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from .access import owned_by_therapist
from .models import AuditEvent, Client


def own_clients(request):
    """The clients the filter may offer: the asker's own (every one for the owner)."""
    return owned_by_therapist(request, Client)


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("What"),
        choices=AuditEvent.Action.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    client = django_filters.ModelChoiceFilter(
        label=_("Client"), queryset=own_clients, empty_label=_("All clients")
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["action", "client", "created_at"]
