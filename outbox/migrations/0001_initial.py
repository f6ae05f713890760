"""The outbox becomes an app of its own. Its table stays where it is (copractice_outboundemail,
with its rows, indexes and constraints): this migration only tells Django that the model now
belongs to `outbox`, and moves its content type (and so its permissions) along."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=target, model="outboundemail").exists():
        return
    ContentType.objects.filter(app_label=source, model="outboundemail").update(app_label=target)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="copractice", target="outbox")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, source="outbox", target="copractice")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("copractice", "0003_outbox_uncertain_headers_resend"),
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutboundEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("kind", models.CharField(max_length=40)),
                        ("to", models.EmailField(max_length=254)),
                        ("subject", models.CharField(max_length=300)),
                        ("body_text", models.TextField()),
                        ("body_html", models.TextField(blank=True)),
                        (
                            "ics",
                            models.TextField(
                                blank=True, help_text="An iCalendar attachment, if any."
                            ),
                        ),
                        (
                            "headers",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="Extra headers sent as given (e.g. List-Unsubscribe).",
                            ),
                        ),
                        (
                            "sensitive",
                            models.BooleanField(
                                default=False,
                                help_text="Holds a secret link: the body is erased once delivered.",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("sending", "Sending"),
                                    ("sent", "Sent"),
                                    ("failed", "Failed"),
                                    ("uncertain", "Delivery uncertain"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("next_attempt_at", models.DateTimeField()),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("resent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "campus",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="members.campus",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "resent_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "copractice_outboundemail",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["status", "next_attempt_at"],
                                name="copractice__status_3a6647_idx",
                            ),
                            models.Index(
                                fields=["campus", "-created_at"],
                                name="copractice__campus__e12e83_idx",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "status__in",
                                        ["pending", "sending", "sent", "failed", "uncertain"],
                                    )
                                ),
                                name="outbound_email_status_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("sent_at__isnull", False), ("status", "sent")),
                                    models.Q(("status", "sent"), _negated=True),
                                    _connector="OR",
                                ),
                                name="outbound_email_sent_has_time",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("resent_by__isnull", True),
                                    ("resent_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="outbound_email_resent_has_time",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
