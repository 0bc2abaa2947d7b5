"""Swedish first: every message in the catalogue is translated, and the compiled file matches."""

import ast
import gettext
from pathlib import Path

import torget

LOCALE = Path(torget.__file__).parent / "locale" / "sv" / "LC_MESSAGES"


def _po_entries(text: str) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr/msgstr[n], flags."""
    entries, entry, key = [], {"flags": ""}, None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_every_message_is_translated_and_compiled():
    entries = [e for e in _po_entries((LOCALE / "django.po").read_text()) if e["msgid"]]
    assert len(entries) > 200
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    missing = []
    for entry in entries:
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        if "fuzzy" in entry["flags"] or not all(translations):
            missing.append(entry["msgid"])
            continue
        if "msgid_plural" in entry:
            found = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        elif "msgctxt" in entry:
            found = compiled.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            found = compiled.gettext(entry["msgid"])
        if found != translations[0]:
            missing.append(f"{entry['msgid']} (not compiled: run make messages)")
    assert missing == []
