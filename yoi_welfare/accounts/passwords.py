"""Passwords: argon2id hashing (argon2-cffi defaults meet OWASP ASVS) and the password policy.

The policy follows NCSC and NIST SP 800-63B: long enough, no composition rules, and not a password
that is common, repetitive or about this service or the person.
"""

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("a password that no account has")

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Words about this service and its work; a password containing one is easy to guess for anyone
# who knows where it is used. Checked after undoing common letter-for-digit swaps.
SERVICE_WORDS = (
    "welfare",
    "custody",
    "custodial",
    "youthoffending",
    "youthjustice",
    "offender",
    "safeguard",
    "acpc",
    "childprotection",
    "secureschool",
    "securetraining",
    "childrenshome",
    "wingofficer",
    "safercustody",
)
# Short service words count only as a word of their own ("yoi-2026"), not inside another word.
SHORT_SERVICE_WORDS = frozenset({"yoi", "yot", "yots", "yois", "stc", "sch", "yjb", "hmpps"})
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_SEPARATORS = re.compile(r"[\s\-_.]+")
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789" * 3,
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _forms(password: str) -> set[str]:
    """The password as typed and with separators, edge digits and symbols, and swaps undone."""
    lowered = password.strip().lower()
    squashed = _SEPARATORS.sub("", lowered)
    forms = {lowered, squashed, _EDGES.sub("", squashed)}
    forms |= {form.translate(_LEET) for form in forms}
    return {form for form in forms if form}


def _is_repetitive(squashed: str) -> bool:
    if len(set(squashed)) < 5:
        return True
    for size in range(1, len(squashed) // 2 + 1):
        unit = squashed[:size]
        if len(squashed) % size == 0 and unit * (len(squashed) // size) == squashed:
            return True
    return any(squashed in sequence or squashed in sequence[::-1] for sequence in _SEQUENCES)


def password_problem(password: str, personal_words: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a new password, as an error message to show; None if it will do.

    `personal_words` are the person's name and email address, which a password must not contain.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    forms = _forms(password)
    squashed = _SEPARATORS.sub("", password.strip().lower())
    if _is_repetitive(squashed) or forms & common_passwords():
        return "Choose a password that is harder to guess, for example three or more random words"
    letters = {re.sub(r"[^a-z]", "", form) for form in forms}
    words = {word for form in forms for word in re.split(r"[^a-z]+", form) if word}
    if any(service in form for form in letters for service in SERVICE_WORDS) or (
        words & SHORT_SERVICE_WORDS
    ):
        return "Choose a password that does not include the name of this service or its work"
    personal = _personal_parts(personal_words)
    if any(part in form for form in letters for part in personal):
        return "Choose a password that does not include your name or email address"
    return None


def _personal_parts(personal_words: tuple[str, ...]) -> set[str]:
    parts = set()
    for text in personal_words:
        local = text.lower().split("@", 1)[0]
        parts |= {part for part in re.split(r"[^a-z]+", local) if len(part) >= 4}
    return parts
