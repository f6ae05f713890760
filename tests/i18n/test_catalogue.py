"""The French catalogue is complete and current: every string marked in the code is in it
(makemessages finds nothing new), every entry is translated and none is fuzzy, placeholders and
French typography are kept, and the compiled `.mo` is what the `.po` compiles to."""

import os
import re
import shutil
import subprocess
import sys

import polib
import pytest

from copractice.catalogues import LOCALE_DIR, catalogues, compiled

ROOT = LOCALE_DIR.parent
FRENCH = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"
# What makemessages reads (the same options as `make messages`).
SOURCES = ["copractice", "members", "training", "meetings", "reports", "privacy", "outbox"]
NBSP, NNBSP = "\u00a0", "\u202f"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{(\w*)\}")


def entries(path=FRENCH):
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_there_is_a_french_catalogue():
    assert FRENCH in catalogues()
    assert len(entries()) > 500


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(FRENCH))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    plurals = [e for e in catalogue if e.msgid_plural]
    assert all(len(e.msgstr_plural) == 2 and all(e.msgstr_plural.values()) for e in plurals)


def test_placeholders_are_kept():
    wrong = []
    for entry in entries():
        wanted = sorted(m.group(0) for m in PLACEHOLDER.finditer(entry.msgid))
        # A plural's forms may use the placeholders of either English form ("Re-send the
        # invitation" / "Re-send all %(count)s invitations").
        either = set(wanted) | {m.group(0) for m in PLACEHOLDER.finditer(entry.msgid_plural)}
        for text in translations(entry):
            found = sorted(m.group(0) for m in PLACEHOLDER.finditer(text))
            # A plural's singular may say "une" instead of %(count)s.
            if found != wanted and not (entry.msgid_plural and set(found) <= either):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_french_typography():
    """A non-breaking space before « : ; ? ! » and inside « guillemets », never a plain one;
    no straight English quotes around words."""
    wrong = []
    for entry in entries():
        for text in translations(entry):
            plain = re.sub(r"%\(\w+\)s|\{\w*\}|https?://\S+|<[^>]+>", "", text)
            if re.search(r" [:;?!»]|« ", plain):
                wrong.append(("plain space", entry.msgid, text))
            if re.search(r"[^\s\u00a0\u202f][;?!»]|[^\s\u00a0\u202f\d]:(?!//)", plain):
                wrong.append(("no space", entry.msgid, text))
            if re.search(r"«[^\u00a0\u202f]", plain):
                wrong.append(("after «", entry.msgid, text))
    assert wrong == []


def test_compiled_catalogues_are_current():
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run make install"
        assert mo_path.read_bytes() == compiled(po_path), f"{mo_path} is stale: make install"


def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the code finds no string the catalogue lacks, and the
    catalogue holds none that the code no longer has."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext) is needed: .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "project"
    copy.mkdir()
    for name in [*SOURCES, "templates", "locale"]:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("*.mo", "*.pyc"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=fr", "--add-location=file"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    made = {key(e) for e in entries(copy / "locale/fr/LC_MESSAGES/django.po")}
    committed = {key(e) for e in entries()}
    assert sorted(made - committed) == [], "strings not in the catalogue: make messages"
    assert sorted(committed - made) == [], "entries the code no longer has: make messages"


GETTEXT_CALLS = {
    *("gettext", "gettext_lazy", "gettext_noop", "_"),
    *("pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"),
}


def test_no_string_is_marked_inside_an_f_string():
    """xgettext does not look inside f-strings: a string marked there is never extracted, so it
    would stay in English. Mark it before (`word = gettext("…")`), then use the variable."""
    import ast

    found = []
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for fstring in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
                for call in (n for n in ast.walk(fstring) if isinstance(n, ast.Call)):
                    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                    if name in GETTEXT_CALLS:
                        found.append(f"{path.relative_to(ROOT)}:{call.lineno} {name}()")
    assert found == []
