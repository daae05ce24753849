import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import BaseLogEntry
from wagtail.models.audit_log import LogEntryQuerySet, ModelLogEntryManager

from .signals import client_moved

THERAPISTS_GROUP = "Therapists"


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list, e.g. Europe/London.")


class UserQuerySet(models.QuerySet):
    def therapists(self):
        """Who is a therapist, the one rule (`User.is_therapist` asks it too):

        - a member of the "Therapists" group, as Settings → Users makes them;
        - or the practice owner (a superuser).

        Not `is_staff`: the Wagtail admin never sets it.
        """
        return self.filter(
            models.Q(is_superuser=True) | models.Q(groups__name=THERAPISTS_GROUP)
        ).distinct()

    def therapists_choosable_by(self, user, *, keep=None):
        """Therapists `user` may pick in a form: every therapist for the owner, herself otherwise.

        `keep`, the therapist a form already holds, stays choosable so that saving the form
        never drops it silently; a client is never choosable, even there.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        therapists = self.therapists()
        if user.is_superuser:
            return therapists
        return therapists.filter(models.Q(pk=user.pk) | models.Q(pk=keep))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """Everyone who signs in: therapists (Wagtail admin) and clients (portal).

    - The e-mail address is the sign-in name, unique regardless of case.
    - Therapists belong to the "Therapists" group; the practice owner is a superuser.
    - Clients have one `client_profiles` entry per therapist and no admin access: one
      person, one sign-in, whoever sees them.
    """

    username = None
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_nobodys(self):
        """A sign-in left with no client profile, and no therapist's or staff account."""
        return not self.client_profiles.exists() and not self.is_therapist and not self.is_staff

    def delete_if_nobodys_client(self):
        """A client's sign-in goes with their last profile (never a therapist's)."""
        if self.is_nobodys:
            self.delete()

    @property
    def is_therapist(self):
        """See `UserQuerySet.therapists`. Asked once per user object (so once per request),
        as Django keeps a user's permissions."""
        if self.pk is None:
            return False
        if not hasattr(self, "_is_therapist"):
            self._is_therapist = type(self).objects.therapists().filter(pk=self.pk).exists()
        return self._is_therapist


class TherapistOwnedQuerySet(models.QuerySet):
    """The one owner-scoped queryset: every model a therapist owns, directly or through
    the client or couple it is for, narrows to one therapist with `for_therapist`.

    - `owner_paths` names the therapist foreign key(s); a row is the therapist's when any
      of them is theirs (an assignment is for a client *or* a couple).
    - The practice owner (a superuser) sees every therapist's.
    """

    owner_paths = ("therapist",)

    def for_therapist(self, user):
        """What this user may see: their own, or everyone's for the practice owner."""
        if user.is_superuser:
            return self
        owned = models.Q()
        for path in self.owner_paths:
            owned |= models.Q(**{path: user})
        return self.filter(owned)


class PeopleQuerySet(TherapistOwnedQuerySet):
    """Clients and couples: each belongs to one therapist."""

    def active(self):
        return self.filter(archived=False)


class ClientQuerySet(PeopleQuerySet):
    def of_person(self, user):
        """Every profile of one sign-in, one per therapist."""
        return self.filter(user=user)

    def accept(self):
        """The person came into the portal: every profile not yet accepted now is."""
        return self.filter(accepted_at__isnull=True).update(accepted_at=timezone.now())

    def introduced(self):
        """Profiles the person was invited to or came into, or their sign-in's only one: only
        these show the person their homework, and their therapist the sign-in's activity.

        A record moved onto someone else's sign-in (its therapist typed an address that
        already signs in here) shows nothing either way until she invites them: she would
        learn that the address is someone's client, and they would read another's homework.
        """
        others = Client.objects.filter(user=models.OuterRef("user")).exclude(
            pk=models.OuterRef("pk")
        )
        return self.filter(
            models.Q(invited_at__isnull=False)
            | models.Q(accepted_at__isnull=False)
            | ~models.Exists(others)
        )


class Client(models.Model):
    """A person in therapy, as one therapist knows them.

    - One sign-in (`user`) may have several profiles, one per therapist; each therapist sees
      only her own profile, never that another exists.
    - Status and invitations belong to the profile: `accepted_at` is when the person first
      came into the portal after this therapist added them.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_profiles"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clients"
    )
    full_name = models.CharField(max_length=150)
    preferred_name = models.CharField(
        max_length=80, blank=True, help_text="What the portal and e-mails call them."
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Weeks and reminders follow this time zone.",
    )
    archived = models.BooleanField(default=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "therapist"], name="client_one_per_therapist")
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        previous_therapist_id = (
            Client.objects.filter(pk=self.pk)
            .exclude(therapist_id=self.therapist_id)
            .values_list("therapist_id", flat=True)
            .first()
            if self.pk is not None
            else None
        )
        super().save(*args, **kwargs)
        if previous_therapist_id is not None:
            self.follow_therapist()
            client_moved.send(
                sender=Client, client=self, previous_therapist_id=previous_therapist_id
            )

    def follow_therapist(self):
        """After a move to another therapist, the admin log lines that name them are the new
        one's. Other apps move what they keep through the `client_moved` signal. Audit events
        keep the therapist of the time.
        """
        from django.contrib.contenttypes.models import ContentType

        ClientLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Client), object_id=str(self.pk)
        ).update(therapist_id=self.therapist_id)

    def sign_in_as(self, email, person, *, first_name, last_name):
        """Who this profile is: the sign-in for `email` (`person`, or a new one), unsaved.

        - Profiles of one person share a sign-in: a therapist never changes another's. A
          new address that already has a sign-in, or a new address on a shared sign-in,
          points this profile at that person (or a new sign-in with no password yet).
        - A sign-in used by this profile alone simply takes the new address and name.
        - A changed address is invited anew either way, so the two cases look alike.
        """
        current = self.user if self.user_id else None
        changed = current is None or current.email != email
        shared = (
            current is not None and Client.objects.of_person(current).exclude(pk=self.pk).exists()
        )
        if not changed:
            user = current
        elif current is not None and person is None and not shared:
            user = current
            user.email = email
        else:
            user = person or User(email=email)
            if user.pk is None:
                user.set_unusable_password()
        if changed:
            self.invited_at = self.accepted_at = None
        if user.pk is None or (user is current and not shared):
            user.first_name, user.last_name = first_name, last_name
        return user

    @property
    def display_name(self):
        return self.preferred_name or self.full_name.split(" ")[0]

    @property
    def email(self):
        return self.user.email

    @property
    def zoneinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @cached_property
    def couple(self):
        """The couple this client belongs to, or None (looked up once per instance)."""
        return Couple.objects.filter(models.Q(partner_a=self) | models.Q(partner_b=self)).first()

    def local_now(self):
        return timezone.now().astimezone(self.zoneinfo)

    def erase(self):
        """Delete this client and everything of theirs, wherever it is kept.

        - Their couple goes too (with the couple's homework); the partner's account stays.
        - Audit events stay, naming them only by UUID and a pseudonym: no e-mail, address
          or browser of theirs is left in them.
        - Admin log lines and background-task rows that name them or their homework go.
        - Their sign-in account goes last, with its sessions and sign-in counters, unless
          they are still another therapist's client.
        - Files (session summaries) are deleted from the private storage once committed.
        """
        from django.db import transaction

        with transaction.atomic():
            self._forget_admin_log_lines()
            self._forget_listing_searches()
            self._forget_task_rows()
            self._pseudonymise_audit_events()
            self._delete_sign_in_account()

    @property
    def pseudonym(self):
        """How the audit trail names them once they are deleted."""
        return f"{PSEUDONYM_PREFIX}{self.uuid.hex[:8]}"

    def _forget_admin_log_lines(self):
        from django.contrib.contenttypes.models import ContentType

        named = models.Q(
            content_type=ContentType.objects.get_for_model(Client), object_id=str(self.pk)
        )
        couple = self.couple
        if couple is not None:
            named |= models.Q(
                content_type=ContentType.objects.get_for_model(Couple), object_id=str(couple.pk)
            )
        ClientLogEntry.objects.filter(named).delete()

    @staticmethod
    def _forget_listing_searches():
        """The words therapists searched their listings for (kept in their sessions, see
        clients.views.admin.PostedSearchMixin) may name this client: every session forgets
        its searches. The deleting request's own session is cleared by its view.

        Sessions kept only in a cache cannot be listed (as in `_end_sessions`).
        """
        from importlib import import_module

        from .views.admin import SEARCHES_SESSION_KEY

        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not hasattr(store, "get_model_class"):
            return
        for session in store.get_model_class().objects.iterator():
            if SEARCHES_SESSION_KEY in session.get_decoded():
                searching = store(session_key=session.session_key)
                searching.pop(SEARCHES_SESSION_KEY)
                searching.save()

    def _forget_task_rows(self):
        """Finished tasks (failures above all) whose arguments are ids of theirs, and mail
        retries still waiting to run (schedules), which would make such a row again.

        Each app names its own tasks through the `client_task_ids` hook:
        fn(client) -> {dotted task path: ids it may have been given}.
        """
        import ast

        from django_q.models import Schedule, Task
        from wagtail import hooks

        mentions = {"clients.tasks.send_password_reset_email": {self.pk}}
        for fn in hooks.get_hooks("client_task_ids"):
            for func, ids in fn(self).items():
                mentions.setdefault(func, set()).update(ids)
        doomed = [
            pk
            for pk, func, args in Task.objects.filter(func__in=mentions).values_list(
                "pk", "func", "args"
            )
            if args and args[0] in mentions[func]
        ]
        Task.objects.filter(pk__in=doomed).delete()

        def first_arg(text):
            try:
                args = ast.literal_eval(text or "()")
            except (ValueError, SyntaxError):
                return None
            first = (args[0] if args else None) if isinstance(args, tuple) else args
            return first if isinstance(first, int | str) else None

        waiting = Schedule.objects.filter(func__in=mentions).values_list("pk", "func", "args")
        Schedule.objects.filter(
            pk__in=[pk for pk, func, args in waiting if first_arg(args) in mentions[func]]
        ).delete()

    def _pseudonymise_audit_events(self):
        """Their own events (or anonymous ones about them) keep no e-mail, address or browser.

        Events where someone else (their therapist) acted on them keep that person's trail.
        Their own events let go of their sign-in too: it may stay (another therapist's client),
        and must not tie them to this therapist's trail.
        """
        theirs = AuditEvent.objects.filter(client=self).filter(
            models.Q(actor=self.user_id) | models.Q(actor__isnull=True)
        )
        theirs.pseudonymise(self.pseudonym)
        theirs.filter(actor__isnull=False).update(actor=None)

    def _delete_sign_in_account(self):
        """This profile; then the person's sign-in with its sessions and sign-in counters,
        unless they are still another therapist's client (the sign-in is the person's)."""
        from django.db import transaction

        from .lockout import forget_account

        user = self.user
        self.delete()
        if not user.is_nobodys:
            return
        email = user.email
        AuditEvent.objects.filter(actor=user).pseudonymise(self.pseudonym)
        self._end_sessions(user)
        user.delete()
        transaction.on_commit(lambda: forget_account(email))

    @staticmethod
    def _end_sessions(user):
        """Every session signed in as this user (database, and cache where cached_db).

        Sessions kept only in a cache cannot be listed; they point at a deleted account.
        """
        from importlib import import_module

        store = import_module(settings.SESSION_ENGINE).SessionStore
        if not hasattr(store, "get_model_class"):
            return
        for session in store.get_model_class().objects.iterator():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                store(session_key=session.session_key).delete()

    @property
    def status_label(self):
        """From this profile only: whether the person has an account for another therapist
        must not show."""
        if self.archived:
            return _("Archived")
        if self.accepted_at:
            return _("Active")
        return _("Invited") if self.invited_at else _("Not invited yet")

    @property
    def has_own_password(self):
        """The person chose a password (perhaps for another therapist): an invitation then
        says "sign in as usual" instead of offering a link that would reset it."""
        return self.user.has_usable_password()


class Couple(models.Model):
    """Two clients of the same therapist, seen together."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="couples"
    )
    partner_a = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    partner_b = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PeopleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(partner_a=models.F("partner_b")),
                name="couple_partners_differ",
            ),
            models.UniqueConstraint(fields=["partner_a"], name="couple_partner_a_once"),
            models.UniqueConstraint(fields=["partner_b"], name="couple_partner_b_once"),
        ]

    def __str__(self):
        return f"{self.partner_a.display_name} & {self.partner_b.display_name}"

    def save(self, *args, **kwargs):
        if self.partner_a_id and not self.therapist_id:
            self.therapist_id = self.partner_a.therapist_id
        self.full_clean()
        super().save(*args, **kwargs)
        for partner in self.partners:
            partner.__dict__.pop("couple", None)  # forget a cached "no couple"

    @property
    def partners(self):
        return [self.partner_a, self.partner_b]

    def partner_of(self, client):
        return self.partner_b if client.pk == self.partner_a_id else self.partner_a

    def clean(self):
        a, b = self.partner_a_id and self.partner_a, self.partner_b_id and self.partner_b
        if a and b:
            if a.pk == b.pk:
                raise ValidationError("A couple needs two different clients.")
            if a.therapist_id != b.therapist_id:
                raise ValidationError("Both partners must be clients of the same therapist.")
            if self.therapist_id and a.therapist_id != self.therapist_id:
                raise ValidationError("Both partners must be clients of this couple's therapist.")
            taken = Couple.objects.exclude(pk=self.pk).filter(
                models.Q(partner_a__in=[a, b]) | models.Q(partner_b__in=[a, b])
            )
            if taken.exists():
                raise ValidationError("One of these clients is already in a couple.")


class ClientLogEntryQuerySet(LogEntryQuerySet, TherapistOwnedQuerySet):
    pass


class ClientLogEntryManager(ModelLogEntryManager):
    def get_queryset(self):
        return ClientLogEntryQuerySet(self.model, using=self._db)

    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("therapist_id", instance.therapist_id)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """Wagtail's site history and its filters: a therapist sees her own clients' lines
        only; the practice owner sees all."""
        return self.get_queryset().for_therapist(user)


class ClientLogEntry(BaseLogEntry):
    """The admin's log lines about clients and couples (their labels name people).

    Kept apart from Wagtail's shared model log, so that each line belongs to one therapist.
    """

    object_id = models.CharField(max_length=255, db_index=True)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClientLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "client log entry"
        verbose_name_plural = "client log entries"


PSEUDONYM_PREFIX = "deleted client "


class AuditEventQuerySet(TherapistOwnedQuerySet):
    def update(self, **kwargs):
        """Append-only, but for two updates:

        - detaching a deleted person (on_delete=SET_NULL);
        - pseudonymising an erased client: a pseudonym for the label, no address, no browser.
        """
        if set(kwargs) <= {"actor", "client", "therapist"} and not any(kwargs.values()):
            return super().update(**kwargs)
        if (
            set(kwargs) == {"actor_label", "ip_address", "user_agent"}
            and str(kwargs["actor_label"]).startswith(PSEUDONYM_PREFIX)
            and kwargs["ip_address"] is None
            and kwargs["user_agent"] == ""
        ):
            return super().update(**kwargs)
        raise PermissionError("Audit events are append-only.")

    def pseudonymise(self, pseudonym):
        return self.update(actor_label=pseudonym, ip_address=None, user_agent="")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only record of sign-ins and of every read or export of health information.

    - Never holds health content: only who, what, which client, when and from where.
    - `client` is kept as a label too, so the record outlives a deleted client.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        INVITATION_USED = "invitation_used", "Invitation used"
        PASSWORD_RESET = "password_reset", "Password reset"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        LOCKOUT_CLEARED = "lockout_cleared", "Sign-in lock cleared"
        VIEW = "view", "Viewed health information"
        EXPORT = "export", "Exported data"
        DOWNLOAD = "download", "Downloaded a document"
        CLIENT_DELETED = "client_deleted", "Client deleted"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        AUTHENTICATOR_CHANGED = "authenticator_changed", "Authenticator app changed"
        EMAIL_CHANGED = "email_changed", "Sign-in e-mail changed"
        ACCESS_REFUSED = "access_refused", "Access refused"
        SUMMARY_REQUESTED = "summary_requested", "Session summary requested"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    client_label = models.CharField(max_length=64, blank=True, help_text="Client's id.")
    # The therapist whose client this concerns, so the event stays visible to them.
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["therapist", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_label or 'anonymous'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


DEFAULT_CRISIS_NOTICE = (
    "<p>This portal is not watched around the clock. If you are in danger or thinking about "
    "harming yourself, call your local emergency number now, or go to the nearest emergency "
    "department.</p>"
)


@register_setting(icon="warning")
class PortalSettings(BaseSiteSetting):
    """What every portal page shows, set by the therapist in Settings → Client portal."""

    crisis_notice = RichTextField(
        features=["bold", "italic", "link"],
        default=DEFAULT_CRISIS_NOTICE,
        help_text="Shown on every portal page: where to turn in a crisis (phone lines, "
        "emergency numbers). Keep it short.",
    )
    contact_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional: how clients reach you between sessions, e.g. 'E-mail me at …'.",
    )

    class Meta:
        verbose_name = "Client portal"


class GroupGrant(models.Model):
    """A permission the code once gave a group (see clients/groups.py), by name.

    Each is given once: one the owner later takes away in Settings → Groups stays away,
    and one a later version adds to the list is given at the next migrate.
    """

    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    # "app_label.codename" for a model permission, "page.codename" on the home page.
    name = models.CharField(max_length=255)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="group_grant_once")]

    def __str__(self):
        return f"{self.group}: {self.name}"
