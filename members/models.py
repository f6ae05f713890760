import hashlib
import re
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError(_("An e-mail address is required."))
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


class User(AbstractUser):
    """A person; the e-mail address is the login. Site admins are superusers."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(
        _("name"),
        max_length=150,
        validators=[validate_single_line],
        help_text=_("The name colleagues know you by."),
    )
    wants_meeting_notices = models.BooleanField(
        _("e-mail me when a meeting is scheduled, changed or cancelled"),
        default=True,
        help_text=_(
            "With a calendar entry and one-click answers. Turned off, you still see "
            "every meeting here and in your calendar feed."
        ),
    )
    wants_meeting_reminders = models.BooleanField(
        _("remind me before meetings"),
        default=True,
        help_text=_("An e-mail shortly before each meeting you have not declined."),
    )
    wants_presence_nudges = models.BooleanField(
        _("remind me to record presence"),
        default=True,
        help_text=_(
            "For coordinators: an e-mail the day after a meeting whose presence is not recorded."
        ),
    )
    # Pages, e-mails, reminders and calendar entries are in this language (set from the browser's
    # at sign-up; the language switch and the profile change it).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages, e-mails and calendar entries come in this language."),
    )
    # The campus the person last opened: after logging in, home sends them back to it.
    last_campus = models.ForeignKey(
        "Campus", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]
    objects = UserManager()

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_language_known",
            ),
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


# Read once: listing the zones walks the time-zone database on disk.
KNOWN_TIME_ZONES = frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in KNOWN_TIME_ZONES:
        raise ValidationError(
            _("“%(value)s” is not a known time zone (e.g. America/Toronto).") % {"value": value}
        )


def _time_zone_label(tz: str) -> str:
    """A zone as the menu shows it: in English with spaces ("America/Port of Spain"); in other
    languages as its IANA identifier, which names the zone in no language in particular
    (Port of Spain is Port-d'Espagne in French)."""
    if (get_language() or "en").startswith("en"):
        return tz.replace("_", " ")
    return tz


TIME_ZONE_CHOICES = [(tz, lazy(_time_zone_label, str)(tz)) for tz in sorted(KNOWN_TIME_ZONES)]


# What a campus's coordinators may change themselves (its name and institution are the site
# admins'): the settings page's fields, and the only ones `update_campus_settings` accepts.
CAMPUS_SETTINGS = (
    "time_zone",
    "partner_organisation",
    "reminder_hours_before",
    "partner_initial_meetings",
    "attendance_window",
    "attendance_max_missed",
    "check_in_grace_minutes",
    "check_in_opens_minutes_before",
    "check_in_closes_minutes_after",
    "case_notes_retention_months",
    "minutes_retention_months",
)

# Retention periods, in months: at least one, at most twenty years.
RETENTION_MAX_MONTHS = 240


def validate_domain_list(value):
    for domain in value.split():
        if not DOMAIN_RE.fullmatch(domain):
            raise ValidationError(
                _("“%(domain)s” is not an e-mail domain (e.g. uni.example.ca).")
                % {"domain": domain}
            )


DOMAIN_RE = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class IdentityProvider(models.Model):
    """A campus's OpenID Connect identity provider (Entra ID, Google Workspace, Okta, Keycloak,
    Shibboleth's OIDC front…), configured by site admins. It signs in only people whose verified
    e-mail address is at one of the domains it vouches for."""

    name = models.CharField(
        _("name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Shown on the login page: “Sign in with <name>”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=40,
        unique=True,
        help_text=_(
            "Part of the redirect URI to register with the provider: "
            "<site>/accounts/oidc/<slug>/login/callback/"
        ),
    )
    server_url = models.URLField(
        _("issuer URL"),
        max_length=300,
        help_text=_(
            "The issuer; its discovery document is at <issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=200, validators=[validate_single_line])
    client_secret = models.CharField(
        _("client secret"), max_length=500, validators=[validate_single_line]
    )
    domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        validators=[validate_domain_list],
        help_text=_("The domains it vouches for, separated by spaces, e.g. uni.example.ca."),
    )
    counts_as_mfa = models.BooleanField(
        _("counts as a second factor"),
        default=False,
        help_text=_(
            "Only if the provider itself always asks for a second factor: then coordinators "
            "who sign in through it need not set one up here."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.domains = " ".join(sorted(set(self.domains.lower().split())))
        super().save(*args, **kwargs)

    def clean(self):
        parts = urlsplit(self.server_url or "")
        if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
            raise ValidationError(
                {
                    "server_url": _(
                        "The issuer URL must start with https:// (e.g. https://login.uni.example.ca)."
                    )
                }
            )

    @property
    def domain_list(self) -> list[str]:
        return self.domains.lower().split()

    def vouches_for(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domain_list


class Campus(models.Model):
    """One campus's community of practice."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        # No angle brackets: the admin shows help text as HTML, where "<slug>" would vanish.
        help_text=_("Used in the campus's addresses: a slug “riverside” gives /c/riverside/."),
    )
    institution = models.CharField(
        _("institution"), max_length=200, validators=[validate_single_line]
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
        help_text=_("Meeting times are entered and shown in this time zone."),
    )
    partner_organisation = models.CharField(
        _("partner organisation"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The supporting community partner, if any."),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("reminder before a meeting (hours)"),
        default=48,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_(
            "Attendees who have not declined are reminded this long before. 0 turns it off."
        ),
    )
    partner_initial_meetings = models.PositiveSmallIntegerField(
        _("initial meetings with the partner"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_(
            "A partner representative should attend or facilitate this many first meetings."
        ),
    )
    attendance_window = models.PositiveSmallIntegerField(
        _("attendance: out of the last … meetings"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    attendance_max_missed = models.PositiveSmallIntegerField(
        _("attendance: highlight members who missed …"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Members who missed this many of the last meetings are highlighted."),
    )
    check_in_grace_minutes = models.PositiveSmallIntegerField(
        _("check-in: late after (minutes)"),
        default=10,
        validators=[MaxValueValidator(240)],
        help_text=_("People who check in later than this after the start are recorded late."),
    )
    check_in_opens_minutes_before = models.PositiveSmallIntegerField(
        _("check-in: opens before the start (minutes)"),
        default=15,
        validators=[MaxValueValidator(240)],
    )
    check_in_closes_minutes_after = models.PositiveSmallIntegerField(
        _("check-in: closes after the end (minutes)"),
        default=30,
        validators=[MaxValueValidator(240)],
    )
    case_notes_retention_months = models.PositiveSmallIntegerField(
        _("keep case-collaboration notes (months)"),
        default=24,
        validators=[
            MinValueValidator(1, message=_("Keep case-collaboration notes for at least 1 month.")),
            MaxValueValidator(
                RETENTION_MAX_MONTHS,
                message=_("Keep case-collaboration notes for at most 240 months (20 years)."),
            ),
        ],
        help_text=_(
            "The text of a meeting's case-collaboration notes is erased this many months after "
            "the meeting; the page still shows that notes existed and when they were erased."
        ),
    )
    minutes_retention_months = models.PositiveSmallIntegerField(
        _("keep minutes (months)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=_("Keep minutes for at least 1 month.")),
            MaxValueValidator(
                RETENTION_MAX_MONTHS,
                message=_("Keep minutes for at most 240 months (20 years)."),
            ),
        ],
        help_text=_(
            "Empty: minutes are kept indefinitely. Attendance is always kept, for the campus's "
            "figures."
        ),
    )
    identity_provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("identity provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campuses",
        help_text=_("The campus's own identity provider, if it has one."),
    )
    provider_sign_in_only = models.BooleanField(
        _("members sign in with the campus provider only"),
        default=False,
        help_text=_(
            "Members cannot log in with a password (site admins still can, with their second "
            "factor)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="campus_name_unique"),
            models.CheckConstraint(
                condition=Q(attendance_max_missed__lte=models.F("attendance_window")),
                name="campus_missed_within_window",
            ),
            models.CheckConstraint(
                condition=Q(partner_initial_meetings__gte=1),
                name="campus_partner_meetings_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    case_notes_retention_months__gte=1,
                    case_notes_retention_months__lte=RETENTION_MAX_MONTHS,
                ),
                name="campus_case_notes_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(minutes_retention_months__isnull=True)
                | Q(
                    minutes_retention_months__gte=1,
                    minutes_retention_months__lte=RETENTION_MAX_MONTHS,
                ),
                name="campus_minutes_retention_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:campus_home", kwargs={"campus": self.slug})

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self):
        if (
            self.attendance_max_missed is not None
            and self.attendance_window is not None
            and self.attendance_max_missed > self.attendance_window
        ):
            raise ValidationError(
                {
                    "attendance_max_missed": _(
                        "This cannot be more than the number of meetings looked at."
                    )
                }
            )


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    PARTNER_REPRESENTATIVE = "partner_representative", _("Partner representative")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("membership status", "Active")
    ON_LEAVE = "on_leave", _("On leave")
    LEFT = "left", pgettext_lazy("membership status", "Left")


class Membership(models.Model):
    """A person's place in one campus's community of practice."""

    Role = MembershipRole
    Status = MembershipStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campus", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "campus"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values), name="membership_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="left") & Q(left_on__isnull=False))
                | (~Q(status="left") & Q(left_on__isnull=True)),
                name="membership_left_on_iff_left",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["campus", "status", "role"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.campus}"

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR and self.status == self.Status.ACTIVE


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An e-mailed invitation to join a campus with a role. Only the token's hash is stored."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), validators=[validate_single_line])
    name = models.CharField(
        _("name"),
        max_length=150,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The name given when inviting, offered when they join."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Membership.Role.choices)
    # The invitation e-mail (and its re-sends) are written in this language; the person has no
    # account yet to hold one.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The invitation e-mail is written in this language."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                "campus",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values),
                name="invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="invitation_language_known",
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.campus} ({self.get_role_display()})"

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "pending"


class FactorReset(models.Model):
    """A site admin removed someone's second factors (a lost phone): who, whose, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factor_resets"
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reset_at = models.DateTimeField(default=timezone.now)
    authenticators_removed = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-reset_at"]

    def __str__(self):
        return f"{self.user}: second factors reset by {self.reset_by}"


class AccessKind(models.TextChoices):
    CASE_NOTES_READ = "case_notes_read", _("Read the case-collaboration notes")
    CASE_NOTES_EDIT = "case_notes_edit", _("Edited the case-collaboration notes")
    EXPORT = "export", _("Exported a report")
    ROLE_CHANGE = "role_change", _("Changed a role")
    INVITATION = "invitation", _("Invited someone")
    MFA_CHANGE = "mfa_change", _("Changed second factors")
    SSO_LINK = "sso_link", _("Linked or unlinked a single sign-on account")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
    ERASURE = "erasure", _("Erased a person")
    RECORD_EXPORT = "record_export", _("Exported the access record")


class AccessRecord(models.Model):
    """One line of the access record: who did what sensitive thing, when, where, in which role.
    Append-only: the app only inserts rows; the model refuses to change or delete one and the
    database refuses UPDATE and DELETE (trigger). A person who is erased keeps their rows,
    pointing at the anonymised user."""

    Kind = AccessKind

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=32, choices=AccessKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_records",
    )
    campus = models.ForeignKey(
        Campus, null=True, blank=True, on_delete=models.PROTECT, related_name="access_records"
    )
    # A plain number: members sits below meetings and cannot point at it.
    meeting_id = models.PositiveIntegerField(null=True, blank=True)
    # The campus role at the time ("coordinator", "peer_supporter", "site_admin"…).
    role = models.CharField(max_length=32, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccessKind.values), name="access_record_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["campus", "-at"]),
            # A meeting's reads of its case notes, latest first (the minutes page lists them).
            models.Index(fields=["meeting_id", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '—'}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("The access record is append-only: a row cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access record is append-only: a row cannot be deleted.")

    @property
    def role_display(self):
        if self.role == "site_admin":
            return _("Site admin")
        return dict(MembershipRole.choices).get(self.role, self.role)
