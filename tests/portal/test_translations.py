from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and not (e.msgstr or any(e.msgstr_plural.values()))]
    assert not missing, f"Untranslated (run `make messages` and add them to locale/zh_Hans/*.json): {missing[:20]}"


def test_no_translation_is_a_fuzzy_guess():
    po = polib.pofile(str(PO))
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert not fuzzy, f"Fuzzy guesses by makemessages; translate them in locale/zh_Hans/*.json: {fuzzy[:20]}"


def test_no_english_message_means_two_different_things_across_areas():
    """Two areas translating one msgid differently means one of them shows the other's wording.

    Give such messages a gettext context (``pgettext("area", ...)`` / ``{% translate ... context "area" %}``).
    """
    import collections
    import json

    seen = collections.defaultdict(dict)
    for path in sorted(PO.parent.parent.glob("*.json")):
        for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
            seen[msgid][path.stem] = str(text)
    clashes = {m: d for m, d in seen.items() if len(set(d.values())) > 1}
    assert not clashes, f"Same msgid, different Chinese in different areas: {dict(list(clashes.items())[:5])}"
