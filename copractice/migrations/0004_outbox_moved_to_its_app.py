"""OutboundEmail now belongs to the `outbox` app (outbox/migrations/0001_initial.py): the model
leaves copractice's state; its table, rows and constraints stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("copractice", "0003_outbox_uncertain_headers_resend"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="OutboundEmail")],
        ),
    ]
