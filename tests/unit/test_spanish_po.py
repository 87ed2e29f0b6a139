"""The Spanish message catalogue is complete, settled, and compiled into the .mo Django reads."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import civic311

MESSAGES = Path(civic311.__file__).parent / "locale" / "es" / "LC_MESSAGES"


@dataclass
class Entry:
    """One message of a .po file: its msgid (and plural), translations and flags."""

    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def entries(path: Path) -> list[Entry]:
    """The .po file's messages, the header and obsolete (#~) ones left out."""
    found: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                target(ast.literal_eval(line))
            else:
                keyword, _, quoted = line.partition(" ")
                target = _setter(entry, keyword)
                target(ast.literal_eval(quoted))
        if entry.msgid:
            found.append(entry)
    return found


def _setter(entry: Entry, keyword: str):
    if keyword in ("msgctxt", "msgid", "msgid_plural"):
        return lambda text: setattr(entry, keyword, getattr(entry, keyword) + text)
    index = int(keyword[len("msgstr[") : -1]) if keyword.startswith("msgstr[") else 0
    return lambda text: entry.msgstrs.__setitem__(index, entry.msgstrs.get(index, "") + text)


def test_every_message_has_a_settled_spanish_translation():
    found = entries(MESSAGES / "django.po")
    assert len(found) > 200, "the parser read the file"
    untranslated = [e.msgid for e in found if not e.msgstrs or not all(e.msgstrs.values())]
    fuzzy = [e.msgid or "(header)" for e in found if "fuzzy" in e.flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_header_is_not_fuzzy_either():
    header = (MESSAGES / "django.po").read_text(encoding="utf-8").split('msgid ""')[0]
    assert "fuzzy" not in header


def test_the_compiled_catalogue_matches_the_po_file():
    with (MESSAGES / "django.mo").open("rb") as compiled:
        spanish = gettext.GNUTranslations(compiled)
    for entry in entries(MESSAGES / "django.po"):
        # gettext stores a message with a context under "context\x04msgid".
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            shown = spanish.ngettext(msgid, entry.msgid_plural, 1)
        else:
            shown = spanish.gettext(msgid)
        assert shown == entry.msgstrs[0], f"recompile the .mo: {entry.msgid!r}"
