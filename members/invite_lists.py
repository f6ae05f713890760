"""Reading a list of people to invite: lines pasted from an e-mail client or a spreadsheet, or
a CSV file (e-mail, name, role, language) — one row per person, numbered as the person sees
them."""

import csv
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Membership

# What a role may be written as, in a CSV's role column or after an address.
ROLE_WORDS = {
    "coordinator": Membership.Role.COORDINATOR,
    "peer supporter": Membership.Role.PEER_SUPPORTER,
    "peer_supporter": Membership.Role.PEER_SUPPORTER,
    "peer": Membership.Role.PEER_SUPPORTER,
    "partner representative": Membership.Role.PARTNER_REPRESENTATIVE,
    "partner_representative": Membership.Role.PARTNER_REPRESENTATIVE,
    "partner": Membership.Role.PARTNER_REPRESENTATIVE,
    # As a French list writes them (locale/GLOSSARY.md).
    "responsable": Membership.Role.COORDINATOR,
    "pair aidant": Membership.Role.PEER_SUPPORTER,
    "pairs aidants": Membership.Role.PEER_SUPPORTER,
    "paire aidante": Membership.Role.PEER_SUPPORTER,
    "pair aidante": Membership.Role.PEER_SUPPORTER,
    "partenaire": Membership.Role.PARTNER_REPRESENTATIVE,
}
# What the optional language column may hold: a language code, or its name.
LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "fr-ca": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
}
# Roles an invitation can never give: site admins are made by site admins, not by inviting.
ADMIN_WORDS = {
    "admin",
    "site admin",
    "site_admin",
    "administrator",
    "superuser",
    "gestionnaire du site",
    "administrateur",
    "administratrice",
}

HEADER_EMAIL = {
    "email",
    "e-mail",
    "e-mail address",
    "email address",
    "address",
    "courriel",
    "adresse courriel",
    "adresse",
}
HEADER_NAME = {"name", "nom"}
HEADER_ROLE = {"role", "rôle"}
HEADER_LANGUAGE = {"language", "langue"}
# "Ama Owusu <ama@x.ca>", optionally followed by ", role".
ANGLE_ADDRESS = re.compile(
    r"^\s*\"?(?P<name>[^<>\"]*?)\"?\s*<(?P<email>[^<>]*)>\s*(?:[,;\t]\s*(?P<rest>.*))?$"
)


@dataclass
class InviteRow:
    """One person to invite, as written on line `line`; `role` as written (may be empty)."""

    line: int
    email: str
    name: str = ""
    role: str = ""
    language: str = ""  # as written in a CSV's language column (may be empty)
    problem: str = ""  # why this row cannot be invited; empty when it can

    @property
    def is_valid(self) -> bool:
        return not self.problem


def _role_word(value: str) -> bool:
    word = value.strip().lower()
    return word in ROLE_WORDS or word in ADMIN_WORDS


def _delimiter(line: str) -> str:
    return "\t" if "\t" in line else ";" if ";" in line and "," not in line else ","


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line], delimiter=_delimiter(line)), [])]


def _from_line(number: int, line: str) -> InviteRow:
    """A pasted line: `Name <address>`, `address, Name`, `Name, address`, or the address
    alone; a role word may follow (`ama@x.ca, Ama Owusu, coordinator`)."""
    match = ANGLE_ADDRESS.match(line)
    if match:
        rest = (match.group("rest") or "").strip()
        return InviteRow(number, match.group("email").strip(), match.group("name").strip(), rest)
    cells = [cell for cell in _cells(line) if cell]
    email = next((cell for cell in cells if "@" in cell), cells[0] if cells else "")
    others = [cell for cell in cells if cell is not email]
    role = next((cell for cell in others if _role_word(cell)), "")
    name = " ".join(cell for cell in others if cell is not role)
    return InviteRow(number, email, name, role)


def _is_header(line: str) -> bool:
    cells = {cell.lower() for cell in _cells(line)}
    return "@" not in line and bool(cells & HEADER_EMAIL)


def _from_csv(lines: list[str]) -> list[InviteRow]:
    """A CSV with a header row: its columns e-mail, name and role in any order (others are
    ignored). Line numbers are the file's, the header being line 1."""
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
    header = [cell.strip().lower() for cell in next(reader)]
    email_at = next(i for i, cell in enumerate(header) if cell in HEADER_EMAIL)
    name_at = next((i for i, cell in enumerate(header) if cell in HEADER_NAME), None)
    role_at = next((i for i, cell in enumerate(header) if cell in HEADER_ROLE), None)
    language_at = next((i for i, cell in enumerate(header) if cell in HEADER_LANGUAGE), None)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(at, cells=cells):
            return cells[at].strip() if at is not None and at < len(cells) else ""

        rows.append(
            InviteRow(number, cell(email_at), cell(name_at), cell(role_at), cell(language_at))
        )
    return rows


def read_invite_list(text: str) -> list[InviteRow]:
    """Rows from pasted text or a CSV file's text (blank lines skipped, numbered as typed)."""
    text = text.removeprefix("\ufeff")
    # Only real line ends split rows; a stray Unicode separator stays in its row and is refused
    # there (names are single-line).
    lines = re.split(r"\r\n|\r|\n", text)
    first = next((line for line in lines if line.strip()), "")
    if first and _is_header(first):
        start = lines.index(first)
        rows = _from_csv(lines[start:])
        for row in rows:
            row.line += start
        return rows
    return [_from_line(n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def decode_upload(data: bytes) -> str:
    """A CSV file's text: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
        ) from error


def language_for(written: str) -> str:
    """The language code a row's language column asks for ("" when empty or unknown)."""
    return LANGUAGE_WORDS.get(written.strip().lower(), "")


def role_for(written: str, default: str) -> tuple[str, str]:
    """The membership role a row asks for, and a problem when it cannot be given."""
    word = written.strip().lower()
    if not word:
        return default, ""
    if word in ADMIN_WORDS:
        return "", _(
            "Role not allowed: an invitation cannot make a site admin "
            "(coordinator, peer supporter or partner representative)."
        )
    if word in ROLE_WORDS:
        return ROLE_WORDS[word], ""
    return "", _(
        "Unknown role “%(role)s”: use coordinator, peer supporter or partner representative."
    ) % {"role": written.strip()[:40]}
