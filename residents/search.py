"""How a search term is read: names without accents or case, V-numbers, references, birth dates.

The rule of *what matches* is `ResidentQuerySet.search()` (residents/models.py); this module only
normalises text, so the column kept on save and the typed query are normalised the same way.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

# Letters that NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"})
_REFERENCE = re.compile(r"^(HH|BW)-[0-9A-Z]{8}$")
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")


def normalise(text):
    """`"Ḥaddād-Öztürk "` → `"haddad ozturk"`: lower case, no accents, letters and digits only, one
    space between words. Arabic or other scripts stay as they are (lower-cased)."""
    folded = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def name_key(given_name, family_name):
    """The normalised name a resident is found by (`Resident.search_text`)."""
    return normalise(f"{given_name} {family_name}")[:200]


@dataclass
class Query:
    """A typed search, split into what each part can be."""

    words: list = field(default_factory=list)  # normalised name words
    v_numbers: list = field(default_factory=list)
    references: list = field(default_factory=list)
    birth_dates: list = field(default_factory=list)

    @property
    def name(self):
        return " ".join(self.words)

    def __bool__(self):
        return bool(self.words or self.v_numbers or self.references or self.birth_dates)


def _as_date(token):
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(token, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    return None


def parse(text, *, max_length=100):
    """Split a typed search into V-numbers (10 digits, spaces allowed between them), references
    (HH-… or BW-…), birth dates (dd-mm-jjjj or jjjj-mm-dd) and name words."""
    text = (text or "")[:max_length]
    query = Query()
    compact = re.sub(r"[\s.]", "", text)
    if compact.isdigit() and len(compact) == 10:
        query.v_numbers.append(compact)
        return query
    for token in text.split():
        upper = token.upper()
        if _REFERENCE.match(upper):
            query.references.append(upper)
        elif token.isdigit() and len(token) == 10:
            query.v_numbers.append(token)
        elif (day := _as_date(token)) is not None:
            query.birth_dates.append(day)
        else:
            query.words.extend(normalise(token).split())
    return query
