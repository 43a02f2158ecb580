"""The Dutch catalogue is complete and compiled: the UI is Dutch by translation of English msgids."""

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES"


def test_every_dutch_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue.translated_entries()) > 100


def test_compiled_catalogue_matches_the_source():
    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    compiled_strings = {entry.msgid: entry.msgstr for entry in compiled}
    for entry in source.translated_entries():
        if not entry.msgid_plural:
            assert compiled_strings.get(entry.msgid) == entry.msgstr, entry.msgid


def test_dutch_is_the_default_and_english_is_available():
    with translation.override("nl"):
        assert translation.gettext("Sign in") == "Inloggen"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
