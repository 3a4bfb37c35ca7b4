"""Whether two records may be of one child: the same PNC number, or the same date of birth (or
its day and month swapped) with a similar name.

Names arrive typed by different agencies: "kai KHAN" and "Kai Khan", "Mohammed" and
"Muhammad", "O'Neill" and "ONeill", a double-barrelled "Smith-Jones" recorded as "Smith", given
and family names the wrong way round. Two names are similar when each part of one (given,
family) has a word that sounds like (NYSIIS or Metaphone, from jellyfish) and is spelled close to
(Jaro-Winkler, from rapidfuzz) a word of the same part of the other, either way round. A match is
only a question put to the person registering: they decide, so the rule leans towards asking.
"""

import contextlib
import re
import unicodedata
from datetime import date

import jellyfish
from rapidfuzz.distance import JaroWinkler, Levenshtein

# Jaro-Winkler similarity above which two words that sound alike are taken for one name, and
# the higher one above which two words are taken for one name however they sound
# (a typing slip: "Khna" for "Khan").
SOUNDS_ALIKE_SPELLING = 0.65
SPELLED_ALIKE = 0.9
WORD_SEPARATORS = re.compile(r"[\s\-'’.,]+")


def normalise_pnc(pnc_number: str | None) -> str | None:
    """A PNC number as compared: upper case, a two-digit year as four ("24/123X" is 2024), the
    serial number without leading zeros."""
    if not pnc_number:
        return None
    year, _, rest = pnc_number.strip().upper().partition("/")
    if not rest:
        return None
    if len(year) == 2:
        year = ("19" if int(year) > 50 else "20") + year if year.isdigit() else year
    serial, check = rest[:-1], rest[-1:]
    return f"{year}/{serial.lstrip('0') or '0'}{check}"


def birth_dates(date_of_birth: date) -> set[date]:
    """The date of birth and, where it is a date, the one with day and month swapped."""
    dates = {date_of_birth}
    with contextlib.suppress(ValueError):  # no 13th month: the date as typed only
        dates.add(date(date_of_birth.year, date_of_birth.day, date_of_birth.month))
    return dates


def _plain(text: str) -> str:
    """Lower case, accents dropped ("Zoë" is "zoe")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(name: str) -> list[str]:
    """The words of a name part, and the whole part run together ("O'Neill": "o", "neill",
    "oneill"; "Smith-Jones": "smith", "jones", "smithjones")."""
    parts = [w for w in WORD_SEPARATORS.split(_plain(name)) if w]
    joined = "".join(parts)
    return [*parts, joined] if len(parts) > 1 else parts


def _sounds_alike(a: str, b: str) -> bool:
    return jellyfish.nysiis(a) == jellyfish.nysiis(b) or jellyfish.metaphone(
        a
    ) == jellyfish.metaphone(b)


def similar_words(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()):
        return False  # a number in a name is a code ("Test1"), the same only when equal
    if len(a) < 2 or len(b) < 2:
        return False  # an initial says too little
    spelling = JaroWinkler.normalized_similarity(a, b)
    if spelling >= SPELLED_ALIKE and Levenshtein.distance(a, b) <= max(1, min(len(a), len(b)) // 4):
        return True
    return spelling >= SOUNDS_ALIKE_SPELLING and _sounds_alike(a, b)


def similar_parts(a: str, b: str) -> bool:
    """Whether two given names (or two family names) may be one: a word of each alike."""
    return any(similar_words(x, y) for x in words(a) for y in words(b))


def similar_names(given_a: str, family_a: str, given_b: str, family_b: str) -> bool:
    """Whether two children's names may be one child's, allowing given and family swapped."""
    return (similar_parts(given_a, given_b) and similar_parts(family_a, family_b)) or (
        similar_parts(given_a, family_b) and similar_parts(family_a, given_b)
    )


def may_be_one_child(
    a: tuple[str, str, date, str | None], b: tuple[str, str, date, str | None]
) -> bool:
    """Two records' (given name, family name, date of birth, PNC number): possibly one child?"""
    pnc_a, pnc_b = normalise_pnc(a[3]), normalise_pnc(b[3])
    if pnc_a and pnc_a == pnc_b:
        return True
    return b[2] in birth_dates(a[2]) and similar_names(a[0], a[1], b[0], b[1])
