from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

# What a row "delivery uncertain" says, stored in English and shown in the reader's language.
UNCERTAIN_ERROR = gettext_noop(
    "The sender stopped before recording whether the mail server accepted this e-mail. It is "
    "not sent again automatically."
)


class OutboundEmail(models.Model):
    """The outbox: every e-mail is first a row, written in the same transaction as its cause.

    `key` makes each e-mail exist at most once (a retried task or a second beat cannot queue
    it again); delivery claims the row with a conditional UPDATE, so it is sent at most once.
    A row whose sender stopped before recording the outcome is "delivery uncertain": it is
    never sent again automatically, only when a coordinator decides to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Delivery uncertain")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    campus = models.ForeignKey(
        "members.Campus",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campus"),
    )
    user = models.ForeignKey(
        "members.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient's account"),
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(
        _("calendar attachment"), blank=True, help_text=_("An iCalendar attachment, if any.")
    )
    headers = models.JSONField(
        _("headers"),
        default=dict,
        blank=True,
        help_text=_("Extra headers sent as given (e.g. List-Unsubscribe)."),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Holds a secret link: the body is erased once delivered."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    resent_at = models.DateTimeField(_("sent again"), null=True, blank=True)
    resent_by = models.ForeignKey(
        "members.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent again by"),
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        # The table keeps the name it had before the outbox became an app of its own.
        db_table = "copractice_outboundemail"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="copractice__status_3a6647_idx"
            ),
            models.Index(fields=["campus", "-created_at"], name="copractice__campus__e12e83_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "uncertain"]
                ),
                name="outbound_email_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="outbound_email_sent_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(resent_by__isnull=True) | models.Q(resent_at__isnull=False),
                name="outbound_email_resent_has_time",
            ),
        ]

    def __str__(self):
        # No address: this may end up in a log line.
        return f"e-mail {self.pk} ({self.kind}, {self.status})"

    @property
    def last_error_display(self) -> str:
        """The last error as a person reads it: ours translated, the mail server's as sent."""
        return gettext(UNCERTAIN_ERROR) if self.last_error == UNCERTAIN_ERROR else self.last_error
