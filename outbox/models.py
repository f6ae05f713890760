from django.db import models


class OutboundEmail(models.Model):
    """The outbox: every e-mail is first a row, written in the same transaction as its cause.

    `key` makes each e-mail exist at most once (a retried task or a second beat cannot queue
    it again); delivery claims the row with a conditional UPDATE, so it is sent at most once.
    A row whose sender stopped before recording the outcome is "delivery uncertain": it is
    never sent again automatically, only when a coordinator decides to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNCERTAIN = "uncertain", "Delivery uncertain"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    campus = models.ForeignKey(
        "members.Campus", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True, help_text="An iCalendar attachment, if any.")
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra headers sent as given (e.g. List-Unsubscribe)."
    )
    sensitive = models.BooleanField(
        default=False, help_text="Holds a secret link: the body is erased once delivered."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
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
