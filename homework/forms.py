"""Forms: the client's weekly reflection (portal) and the therapist's assignment (admin)."""

import datetime

from crispy_forms.bootstrap import InlineRadios, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.widgets import AdminSnippetChooser

from clients.models import Client, Couple

from .models import Assignment, Practice, SessionSummary, TherapistPreference

COUNT_MAX = 999
BUTTONS_CSS = "d-flex flex-wrap gap-2 mt-3 reflection-actions"
SCALE = range(1, 11)


def field_name(prompt):
    return "q_" + prompt["key"].replace("-", "")


class TextAnswerField(forms.CharField):
    """Free text; too long is an error that says how long, and keeps every word on the form."""

    def __init__(self, *, limit, **kwargs):
        self.limit = limit
        # No maxlength attribute: a browser would silently cut a long paste.
        super().__init__(
            strip=True,
            widget=forms.Textarea(attrs={"rows": 6, "data-max-length": limit}),
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(
                "This answer is %(length)s characters long and the limit is %(limit)s. "
                "Please shorten it: everything you wrote is still here.",
                code="too_long",
                params={"length": f"{len(value):,}", "limit": f"{self.limit:,}"},
            )


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def answer_field(prompt):
    """The form field for one copied prompt; `required` is set later (drafts need nothing)."""
    kind = prompt["kind"]
    help_text = format_html("{}", prompt.get("help_text") or "")
    if kind == "scale":
        low, high = prompt.get("scale_low_label"), prompt.get("scale_high_label")
        ends = format_html("1 means “{}”, 10 means “{}”.", low, high) if low and high else ""
        return forms.TypedChoiceField(
            choices=[(n, str(n)) for n in SCALE],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=format_html("{} {}", help_text, ends).strip(),
            error_messages={"invalid_choice": "Choose a number from 1 to 10."},
        )
    if kind == "yes_no":
        return forms.TypedChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=_yes_no,
            empty_value=None,
            widget=forms.RadioSelect,
            help_text=help_text,
            error_messages={"invalid_choice": "Choose yes or no."},
        )
    if kind == "count":
        return forms.IntegerField(
            min_value=0,
            max_value=COUNT_MAX,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count-input"}),
            help_text=help_text,
            error_messages={
                "invalid": "Enter a whole number, like 3.",
                "min_value": "Enter a number from 0 up.",
                "max_value": f"Enter a number up to {COUNT_MAX}.",
            },
        )
    limit = prompt.get("max_length") or 5000
    return TextAnswerField(
        limit=limit,
        help_text=format_html("{} Up to {} characters.", help_text, f"{limit:,}").strip(),
    )


def initial_value(prompt, value):
    if prompt["kind"] == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class ReflectionForm(forms.Form):
    """One week's answers to an assignment's copied prompts.

    - `submitting`: required prompts must be answered; a draft may be partial.
    - `read_only`: the week is closed (or not theirs to change): shown, never saved.
    - `version` and `fingerprint` come back with the post to catch a stale page.
    """

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        prompts,
        submitting=False,
        read_only=False,
        actions=True,
        week_number=1,
        is_submitted=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.prompts = prompts
        self.prompt_fields = {}
        for prompt in prompts:
            name = field_name(prompt)
            field = answer_field(prompt)
            optional = not prompt.get("required", True)
            field.label = prompt["question"] + (" (optional)" if optional else "")
            field.required = submitting and prompt.get("required", True)
            field.error_messages["required"] = (
                "Please answer this before you submit, or save a draft for now."
            )
            if read_only:
                field.disabled = True
            self.fields[name] = field
            self.prompt_fields[name] = prompt

        self.helper = FormHelper()
        self.helper.form_id = "reflection-form"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        layout = []
        for name, prompt in self.prompt_fields.items():
            if prompt["kind"] in ("scale", "yes_no"):
                layout.append(InlineRadios(name))
            else:
                layout.append(Field(name))
        layout += ["version", "fingerprint"]
        if actions and not read_only:
            layout.append(Div(*self._buttons(week_number, is_submitted), css_class=BUTTONS_CSS))
        self.helper.layout = Layout(*layout)

    @staticmethod
    def _buttons(week_number, is_submitted):
        """A submitted reflection is only ever saved as submitted; a draft may stay one."""
        submit = StrictButton(
            "Save changes" if is_submitted else f"Submit week {week_number}",
            type="submit",
            name="submit_reflection",
            value="1",
            css_class="btn btn-primary",
        )
        if is_submitted:
            return [submit]
        # The draft button comes first: Enter in a field saves, never submits.
        draft = StrictButton(
            "Save draft",
            type="submit",
            name="save_draft",
            value="1",
            css_class="btn btn-outline-primary",
        )
        return [draft, submit]

    def answers(self):
        """The cleaned answers as stored: prompt key -> str | int | bool, blanks left out."""
        answers = {}
        for name, prompt in self.prompt_fields.items():
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                answers[prompt["key"]] = value
        return answers

    def unknown_answers(self):
        """Posted answers to prompts this form does not have (the list changed under it)."""
        known = set(self.prompt_fields)
        return [
            value
            for name, value in self.data.items()
            if name.startswith("q_") and name not in known and value.strip()
        ]

    def first_error(self):
        """The first error as one line, for the autosave's status message."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            return f"{label}: {errors[0]}" if label else errors[0]
        return ""

    def saved_values(self, reflection):
        """A saved reflection's answers as this form's field values (for a conflict)."""
        return {
            name: initial_value(prompt, reflection.answers.get(prompt["key"]))
            for name, prompt in self.prompt_fields.items()
        }

    @classmethod
    def for_week(cls, assignment, week, reflection, data=None, *, submitting=False, kept=False):
        """The reflection form for a client's week; the one place it is built.

        - Without `data`: the saved answers of `reflection` (if any) as initial values.
        - With `data` (posted or kept answers): bound, and made for the prompts as they are
          now, whatever page the answers came from.
        - `kept`: the week is shut; the answers are shown to copy, with no buttons.
        """
        options = {
            "prompts": assignment.prompts,
            "week_number": week.number,
            "is_submitted": reflection is not None and reflection.is_submitted,
        }
        if kept:
            options.update(actions=False, is_submitted=False)
        if data is None:
            initial = {"version": reflection.version if reflection else 0}
            for prompt in assignment.prompts:
                if reflection is not None and prompt["key"] in reflection.answers:
                    answer = reflection.answers[prompt["key"]]
                    initial[field_name(prompt)] = initial_value(prompt, answer)
            initial["fingerprint"] = assignment.prompts_fingerprint
            return cls(initial=initial, **options)
        data = data.copy()
        data["fingerprint"] = assignment.prompts_fingerprint
        return cls(data, submitting=submitting, **options)


# --- Admin ------------------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    """Assign a practice to one of the therapist's own clients or couples."""

    practice = forms.ModelChoiceField(
        queryset=Practice.objects.all(), widget=AdminSnippetChooser(Practice)
    )
    recipient = forms.ChoiceField(
        label="Who",
        help_text="One client, or a couple: each partner then writes their own reflection.",
    )
    start_date = forms.DateField(
        widget=AdminDateInput, help_text="Week 1 opens on this day, in the client's time zone."
    )
    weeks = forms.IntegerField(label="Number of weeks", min_value=1, max_value=52, initial=4)
    week_ends_on = forms.TypedChoiceField(
        label="Each week ends on",
        choices=Assignment.Weekday.choices,
        coerce=int,
        initial=Assignment.Weekday.SUNDAY,
        help_text="Usually the day before your sessions. Week 1 lasts one to two weeks.",
    )
    note = forms.CharField(
        label="Note to the client",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Shown above the instructions in the portal.",
    )
    partner_visibility = forms.ChoiceField(
        label="For a couple, who reads each partner's reflection",
        choices=Assignment.PartnerVisibility.choices,
        initial=Assignment.PartnerVisibility.THERAPIST_ONLY,
        widget=forms.RadioSelect,
    )
    # Shown (as a check box) only beside the warning about a duplicate.
    assign_again = forms.BooleanField(
        label=_("Assign it again anyway"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []
        couples = (
            Couple.objects.for_therapist(user).active().select_related("partner_a", "partner_b")
        )
        clients = Client.objects.for_therapist(user).active()
        self.couples = {f"couple:{c.pk}": c for c in couples}
        self.clients = {f"client:{c.pk}": c for c in clients}
        self.fields["recipient"].choices = [
            ("", "Choose a client or couple"),
            ("Couples", [(key, str(c)) for key, c in self.couples.items()]),
            ("Clients", [(key, str(c)) for key, c in self.clients.items()]),
        ]
        if not self.is_bound:
            self.fields["start_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        key = data.get("recipient")
        data["recipient"] = self.couples.get(key) or self.clients.get(key)
        if key in self.clients and data.get("partner_visibility"):
            data["partner_visibility"] = Assignment.PartnerVisibility.THERAPIST_ONLY
        start = data.get("start_date")
        if start and start < timezone.localdate() - datetime.timedelta(days=28):
            self.add_error("start_date", "Choose a start date no more than four weeks ago.")
        if not self.errors:
            self._check_duplicates(data)
        return data

    def _check_duplicates(self, data):
        """The same practice already open for these people and weeks: ask before a copy."""
        candidate = Assignment(
            practice=data["practice"],
            recipient=data["recipient"],
            start_date=data["start_date"],
            weeks=data["weeks"],
            week_ends_on=data["week_ends_on"],
        )
        self.duplicates = list(
            Assignment.objects.for_therapist(self.user).overlapping(candidate).with_people()
        )
        if self.duplicates and not data.get("assign_again"):
            self.fields["assign_again"].widget = forms.CheckboxInput()
            self.add_error(
                "assign_again",
                _(
                    "They would see the same practice twice for these weeks. Tick this box "
                    "if that is what you want."
                ),
            )

    def save(self):
        data = self.cleaned_data
        return Assignment.objects.create(
            practice=data["practice"],
            recipient=data["recipient"],
            start_date=data["start_date"],
            weeks=data["weeks"],
            week_ends_on=data["week_ends_on"],
            note=data["note"],
            partner_visibility=data["partner_visibility"],
        )


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = TherapistPreference
        fields = ["notify"]
        widgets = {"notify": forms.RadioSelect}


class SummaryRequestForm(forms.Form):
    """The dates of a summary: both included, not in the future, within the longest range."""

    since = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    prefix = "summary"  # unique ids beside the other panels' forms on the same page

    def __init__(self, *args, recipient, **kwargs):
        if "initial" not in kwargs and not args:
            since, until = SessionSummary.default_range(recipient)
            kwargs["initial"] = {"since": since, "until": until}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since is None or until is None:
            return data
        today = timezone.localdate()
        if until > today:
            self.add_error("until", "The summary can only reach up to today.")
        if since > until:
            self.add_error("since", "The start date must be on or before the end date.")
        elif (until - since).days > settings.SUMMARY_MAX_RANGE_DAYS:
            longest = settings.SUMMARY_MAX_RANGE_DAYS
            self.add_error("since", f"Choose at most {longest} days, so the document stays usable.")
        return data
