"""The translation catalogues (`locale/<language>/LC_MESSAGES/django.po`) compiled to the `.mo`
files Django reads, in Python (polib): no GNU gettext needed to install or run CoPractice.
`make install` runs it through `manage.py compile_catalogues`; tests/test_translations.py checks
that every `.mo` is what its `.po` compiles to."""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compiled(po_path: Path) -> bytes:
    """What the `.po` compiles to (translated entries only; fuzzy ones are left out)."""
    catalogue = polib.pofile(str(po_path))
    return catalogue.to_binary()


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each catalogue's `.mo` where it differs; return those written."""
    written = []
    for po_path in catalogues(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written
