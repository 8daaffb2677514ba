"""Fill msgstr entries of locale/zh_Hans from JSON files of {msgid: translation}.

Usage: python scripts/fill_translations.py [file.json ...]   (default: every locale/zh_Hans/*.json)
(plural entries: {"msgid": ["singular", "plural"]} or a single string for both forms;
messages with a gettext context are keyed "context\u0004msgid")
"""

import glob
import json
import sys

import polib

PO = "locale/zh_Hans/LC_MESSAGES/django.po"


def main(paths: list[str]) -> None:
    table = {}
    for path in paths or sorted(glob.glob("locale/zh_Hans/*.json")):
        with open(path, encoding="utf-8") as fh:
            table.update(json.load(fh))
    po = polib.pofile(PO)
    filled = 0
    for entry in po:
        # A message with a gettext context is keyed "context\u0004msgid", as in the compiled catalogue.
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if key not in table:
            continue
        value = table[key]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value if isinstance(value, str) else value[0]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save(PO)
    missing = [
        f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        for e in po
        if not (e.msgstr or any(e.msgstr_plural.values()))
    ]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for m in missing:
        print("  ", m)


if __name__ == "__main__":
    main(sys.argv[1:])
