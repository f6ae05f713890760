from django.core.management.base import BaseCommand

from copractice.catalogues import catalogues, compile_all


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) to .mo files."

    def handle(self, *args, **options):
        written = compile_all()
        self.stdout.write(
            f"{len(catalogues())} catalogue(s), {len(written)} compiled"
            + "".join(f"\n  {path}" for path in written)
        )
