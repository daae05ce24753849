"""Forms for the portal and for the therapist's admin pages.

Each form normalises its input; its crispy FormHelper is built in `__init__`.
"""

import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from .audit import record
from .emails import send_account_notice, send_email_changed
from .lockout import normalise_email
from .models import AuditEvent, Client, Couple, User
from .twofactor import confirmed_devices, verify_code

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
        if not Client.objects.of_person(user).exists():
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
        """An address used by an account that is not a client's is refused without saying
        whose it is; a client of another therapist is welcome (see `clean`)."""
        email = normalise_email(self.cleaned_data["email"])
        self.person = User.objects.filter(email__iexact=email).first()
        someone_else = self.person is not None and self.person.pk != self.instance.user_id
        if someone_else and not Client.objects.of_person(self.person).exists():
            raise ValidationError(
                _("This e-mail address can't be used for a client. Please use another one.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        therapist = cleaned.get("therapist") or self.for_user
        user = getattr(self, "person", None) if "email" in cleaned else None
        if user is not None and therapist is not None:
            # One profile per person and therapist: only her own clients are looked at here.
            twin = Client.objects.of_person(user).filter(therapist=therapist)
            if twin.exclude(pk=self.instance.pk).exists():
                moving = self.instance.pk and therapist.pk != self.instance.therapist_id
                if moving:
                    self.add_error(
                        "therapist",
                        _(
                            "This therapist already has this person as a client, so the "
                            "client can't move to them. Their own record stays as it is."
                        ),
                    )
                else:
                    self.add_error(
                        "email", _("You already have a client with this e-mail address.")
                    )
        return cleaned

    def save(self, commit=True):
        client = super().save(commit=False)
        first, __, last = client.full_name.partition(" ")
        previous = client.user if client.user_id else None
        user = client.sign_in_as(
            self.cleaned_data["email"], self.person, first_name=first, last_name=last
        )
        if not client.therapist_id:
            client.therapist = self.for_user

        if commit:
            if user.pk is None or user is previous:
                user.save()
            client.user = user
            client.save()
            if previous is not None and previous is not user:
                previous.delete_if_nobodys_client()
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


class ListingSearchForm(forms.Form):
    """Words to find in a listing; posted, so that they never appear in a URL."""

    q = forms.CharField(
        label=_("Search by name or e-mail"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


# --- Therapists' own account ---------------------------------------------------------------


class AdminPasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's admin password reset, for therapists only (WAGTAILADMIN_USER_PASSWORD_RESET_FORM).

    - Clients, closed accounts and unknown e-mails get no mail, and the same page as anyone.
    - Each mail sent is audited (PASSWORD_RESET_REQUESTED, for that therapist).
    - The view throttles requests per address and e-mail before this form sends anything.
    """

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_therapist)

    def save(self, request=None, **kwargs):
        self.request = request
        return super().save(request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
        record(
            self.request,
            AuditEvent.Action.PASSWORD_RESET_REQUESTED,
            therapist=context["user"],
            actor=None,
        )


class CurrentCredentialsForm(forms.Form):
    """Asks who is at the keyboard before a change that could hand the account to someone else.

    - The current password, checked through `authenticate` so django-axes counts wrong ones.
    - A fresh code from the current authenticator app, when the account has one. It is checked
      first, so without the phone the password is never tested.
    """

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        self.devices = confirmed_devices(user)
        if not self.devices:
            del self.fields["code"]
        _limit_password_length(self, "password")

    def needs_credentials(self):
        return True

    def clean(self):
        cleaned = super().clean()
        if not self.needs_credentials() or self.errors:
            return cleaned
        if self.devices:
            code = "".join(cleaned.get("code", "").split())
            if not code:
                # Not a guess: django-otp's slow-down is kept for wrong codes.
                self.add_error("code", _("Please enter the code your authenticator app shows."))
                return cleaned
            if verify_code(self.devices, code) is None:
                self.add_error(
                    "code",
                    _("That code didn't match. Codes change every 30 seconds; try the newest one."),
                )
                return cleaned
        password = cleaned.get("password") or ""
        user = authenticate(self.request, username=self.user.email, password=password)
        if user is None or user.pk != self.user.pk:
            self.add_error("password", _("That isn't your current password. Please type it again."))
        return cleaned


class EmailChangeForm(CurrentCredentialsForm):
    """The sign-in e-mail on the admin's account page (with WAGTAIL_EMAIL_MANAGEMENT_ENABLED off).

    - Left as it is, nothing is asked and nothing happens, so the other panels save freely.
    - A new address needs the current credentials; saving it is audited (EMAIL_CHANGED) and
      the old address is told, before the change is kept.
    """

    email = forms.EmailField(
        label=_("Sign-in e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "password", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.user.email
        self.fields["password"].help_text = _("Needed only when you change your e-mail.")
        if "code" in self.fields:
            self.fields["code"].help_text = _("Needed only when you change your e-mail.")

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        """Whether an address is taken is said only once the credentials are right: without
        them, anyone at the keyboard could ask which addresses are clients here."""
        cleaned = super().clean()
        if self.changed() and not self.errors:
            taken = User.objects.filter(email__iexact=cleaned["email"]).exclude(pk=self.user.pk)
            if taken.exists():
                self.add_error("email", _("Someone already uses this e-mail address here."))
        return cleaned

    def needs_credentials(self):
        return self.changed()

    def changed(self):
        return self.cleaned_data.get("email", self.user.email) != self.user.email

    def save(self):
        if not self.changed():
            return self.user
        old_email = self.user.email
        self.user.email = self.cleaned_data["email"]
        self.user.save(update_fields=["email"])
        record(self.request, AuditEvent.Action.EMAIL_CHANGED, therapist=self.user)
        if not send_account_notice(send_email_changed, self.user, old_email):
            messages.warning(
                self.request,
                _(
                    "Your sign-in e-mail is changed, but we couldn't send the notice to your "
                    "old address. Please check the site's e-mail settings."
                ),
            )
        return self.user
