"""The outbox's move from copractice to an app of its own changes no table: a database migrated
to the state before the move keeps its e-mails, and they are the outbox's afterwards."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.models import OutboundEmail

BEFORE_THE_MOVE = [("copractice", "0003_outbox_uncertain_headers_resend"), ("outbox", None)]


def _migrate(targets):
    """Migrate the test database to `targets`; the models as they are then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what is applied now
    return executor.loader.project_state(
        [key for key in executor.loader.applied_migrations if key in executor.loader.graph.nodes]
    ).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_row_of_the_outbox():
    old_apps = _migrate(BEFORE_THE_MOVE)
    OldOutboundEmail = old_apps.get_model("copractice", "OutboundEmail")
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldContentType.objects.get_or_create(app_label="copractice", model="outboundemail")
    now = timezone.now()
    common = {"kind": "invitation", "to": "someone@example.edu", "next_attempt_at": now}
    OldOutboundEmail.objects.bulk_create(
        [
            OldOutboundEmail(key="before:1", status="sent", sent_at=now, **common),
            OldOutboundEmail(key="before:2", status="failed", **common),
        ]
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = OutboundEmail.objects.order_by("key")
    assert [(row.key, row.status, row.to) for row in rows] == [
        ("before:1", "sent", "someone@example.edu"),
        ("before:2", "failed", "someone@example.edu"),
    ]
    assert OutboundEmail._meta.db_table == "copractice_outboundemail"
    content_type = ContentType.objects.get_for_model(OutboundEmail)
    assert content_type.app_label == "outbox"
    assert not ContentType.objects.filter(app_label="copractice", model="outboundemail").exists()
