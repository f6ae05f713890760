from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from copractice import backups


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup written by backup_database (stop the app "
        "first on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, file, interactive=True, **options):
        if interactive:
            answer = input(
                f"Replace everything in the database with {file}? Type 'yes' to continue: "
            )
            if answer != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            backups.restore(path=file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the database from {file}")
