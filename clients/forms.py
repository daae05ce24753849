"""Forms for the portal and for the therapist's admin pages.

Each form normalises its input; its crispy FormHelper is built in `__init__`.
"""

import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from wagtail.admin.forms import WagtailAdminModelForm

from .lockout import normalise_email
from .models import Client, Couple, User

# Long enough for any password manager, short enough that nobody can make us hash a novel.
PASSWORD_MAX_LENGTH = 1024


def timezone_choices():
    names = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and "Etc" not in name
    )
    return [("UTC", "UTC"), *[(name, name.replace("_", " ")) for name in names]]


def crispy_helper(submit_label, *, css_class="btn-primary"):
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit_label, css_class=css_class))
    return helper


def _limit_password_length(form, *names):
    for name in names:
        field = form.fields[name]
        field.max_length = PASSWORD_MAX_LENGTH
        field.widget.attrs["maxlength"] = PASSWORD_MAX_LENGTH
        field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


# --- Portal -----------------------------------------------------------------------------


class SignInForm(auth_forms.AuthenticationForm):
    """E-mail and password; only clients may use the portal's sign-in."""

    error_messages = {
        "invalid_login": (
            "That e-mail address and password don't match. Check them and try again, or "
            "reset your password below."
        ),
        "inactive": "This account is closed. Please contact your therapist.",
        "therapist": "This sign-in is for clients. Therapists sign in at /admin/.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label="E-mail address",
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        _limit_password_length(self, "password")
        self.helper = crispy_helper("Sign in")

    def clean_username(self):
        return normalise_email(self.cleaned_data["username"])

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not Client.objects.filter(user=user).exists():
            raise ValidationError(self.error_messages["therapist"], code="therapist")


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper("Send me a link")

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


# Django's own help is a list of "can't" and "must"; these say the same thing plainly.
CHOOSING_HINT = (
    "At least 8 characters. Not only numbers, not a very common password, and not too "
    "close to your name or e-mail address."
)
REPEATING_HINT = "The same again, so we know there's no typing slip."
MISMATCH = "The two new passwords are different. Please type the same one in both boxes."


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": MISMATCH}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password1"].help_text = CHOOSING_HINT
        self.fields["new_password2"].label = "Type it again"
        self.fields["new_password2"].help_text = REPEATING_HINT
        _limit_password_length(self, "new_password1", "new_password2")
        self.helper = crispy_helper("Save my password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": MISMATCH,
        "password_incorrect": (
            "That isn't your current password. Please try again; if you've forgotten it, "
            "sign out and follow “Forgotten your password” on the sign-in page."
        ),
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "Your current password"
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = CHOOSING_HINT
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = REPEATING_HINT
        _limit_password_length(self, "old_password", "new_password1", "new_password2")
        self.helper = crispy_helper("Change my password")


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Your time zone",
        choices=timezone_choices,
        help_text="Your weeks and reminders follow this time zone.",
    )

    class Meta:
        model = Client
        fields = ["preferred_name", "timezone"]
        labels = {"preferred_name": "What should we call you?"}
        help_texts = {"preferred_name": "Leave empty to use your first name."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper("Save")

    def clean_preferred_name(self):
        return " ".join(self.cleaned_data["preferred_name"].split())


# --- Admin ------------------------------------------------------------------------------


class ClientAdminForm(WagtailAdminModelForm):
    """Adds or edits a client; the e-mail lives on the user account."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The invitation goes here; it is also their sign-in name.",
    )
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")

    class Meta:
        model = Client
        fields = ["full_name", "preferred_name", "email", "timezone", "therapist", "archived"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
        # Only the practice owner sees this field (FieldPanel permission="superuser").
        if "therapist" in self.fields:
            self.fields["therapist"].queryset = User.objects.therapists()
            self.fields["therapist"].required = False
            self.fields["therapist"].help_text = "Leave empty for yourself."
            self.fields["therapist"].widget = forms.Select(choices=self.fields["therapist"].choices)

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_therapist(self):
        therapist = self.cleaned_data.get("therapist")
        if therapist is None:
            return self.instance.therapist if self.instance.therapist_id else None
        moving = self.instance.pk and therapist.pk != self.instance.therapist_id
        if moving and self.instance.couple is not None:
            # A couple's partners share one therapist (Couple.clean).
            raise ValidationError("This client is in a couple: partners share one therapist.")
        return therapist

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        taken = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.user_id)
        if taken.exists():
            raise ValidationError("Someone already uses this e-mail address here.")
        return email

    def save(self, commit=True):
        client = super().save(commit=False)
        email = self.cleaned_data["email"]
        first, _, last = client.full_name.partition(" ")
        if client.user_id:
            user = client.user
            user.email, user.first_name, user.last_name = email, first, last
        else:
            user = User(email=email, first_name=first, last_name=last)
            user.set_unusable_password()
        if not client.therapist_id:
            client.therapist = self.for_user

        if commit:
            user.save()
            client.user = user
            client.save()
        return client


class CoupleAdminForm(WagtailAdminModelForm):
    """Only the therapist's own clients can be chosen as partners."""

    class Meta:
        model = Couple
        fields = ["partner_a", "partner_b", "archived"]
        labels = {"partner_a": "First partner", "partner_b": "Second partner"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = Client.objects.for_therapist(self.for_user).select_related("user")
        for name in ("partner_a", "partner_b"):
            self.fields[name].queryset = own
            self.fields[name].widget = forms.Select(choices=self.fields[name].choices)

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("partner_a"), cleaned.get("partner_b")
        if a and b and not self.instance.therapist_id:
            self.instance.therapist_id = a.therapist_id
        return cleaned


class DeleteClientForm(forms.Form):
    """Typed confirmation: the client's full name, exactly as shown."""

    confirmation = forms.CharField(label="Type the client's full name to confirm", max_length=150)

    def __init__(self, *args, expected, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != self.expected.casefold():
            raise ValidationError("That doesn't match the client's full name. Nothing was deleted.")
        return typed


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.CharField(
        label="Six-digit code",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError("The code is six digits, e.g. 123456.")
        return code
