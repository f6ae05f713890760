from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from copractice import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database: SQLite through its online backup API (safe while the app "
        "runs), PostgreSQL with pg_dump. Default file: var/backups/copractice-<UTC time>."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="Where to write the backup.")

    def handle(self, *args, file=None, **options):
        try:
            path = backups.backup(path=file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the database to {path}")
