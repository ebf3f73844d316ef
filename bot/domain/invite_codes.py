"""Invite codes: short enough to type on a phone, too many to guess."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

# Crockford-like alphabet: no 0/O, 1/I/L, U — nothing to misread on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 30**10 ≈ 5.9e14 codes; with the attempt limit guessing is hopeless
# People retype codes on a Russian keyboard: Cyrillic letters that look Latin count as Latin.
_CYRILLIC_LOOKALIKES = str.maketrans("АВЕКМНРСТХУ", "ABEKMHPCTXY")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display(code: str) -> str:
    """`ABCDE23456` → `ABCDE-23456` for reading aloud and typing."""
    return f"{code[:5]}-{code[5:]}"


def normalize(text: str) -> str | None:
    """What a person typed → the canonical code, or None if it cannot be one."""
    cleaned = unicodedata.normalize("NFKC", text).upper()[:64]
    cleaned = "".join(ch for ch in cleaned if ch.isalnum()).translate(_CYRILLIC_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


_ATTEMPT_CHARS = frozenset("-–— ")


def looks_like_attempt(text: str) -> bool:
    """Could this be someone typing a code (right or wrong)? A valid-looking code, or one
    short word of letters and digits with a digit in it: "abcde23457", "12345678".

    Every such message from a person without a school counts against the attempt limit,
    so guessing codes at random is cut off, however the guesses are shaped.
    """
    if normalize(text) is not None:
        return True
    cleaned = unicodedata.normalize("NFKC", text[:64]).strip()
    if not 6 <= len(cleaned) <= 24 or not any(ch.isdigit() for ch in cleaned):
        return False
    return all(ch.isalnum() or ch in _ATTEMPT_CHARS for ch in cleaned) and cleaned.count(" ") <= 2


# A code inside a sentence («Мне дали код kY6jz-mnbnd»): ten letters and digits on their
# own, maybe split in two halves by a dash or a space, as the invitation prints it.
_CODE_IN_TEXT = re.compile(r"(?<!\w)([^\W_]{5})[-–— ]?([^\W_]{5})(?!\w)")
_WORD = re.compile(r"[^\s,.:;!?«»\"'()]+")
_CODE_WORDS = ("код", "приглаш", "ref=", "code")
MAX_SENTENCE = 500  # a code is looked for in the start of a message only


def find_code(text: str) -> str | None:
    """The first valid-looking code inside a sentence, or None.

    Words spelled only with the code's letters are not codes: two Russian words («ВЕТЕР
    МАКЕТ») never, an English one («MESSENGERS») only where the sentence speaks of a code.
    A code has a digit 19 times in 20; the twentieth is taken when said to be a code.
    """
    said = mentions_code(text)
    for match in _CODE_IN_TEXT.finditer(unicodedata.normalize("NFKC", text[:MAX_SENTENCE])):
        token = match.group(1) + match.group(2)
        if not any(ch.isascii() for ch in token):
            continue
        if (said or any(ch.isdigit() for ch in token)) and (code := normalize(token)):
            return code
    return None


def mentions_code(text: str) -> bool:
    """Does the message speak of an invite code («мой код …», «код приглашения: …»)?"""
    folded = text[:MAX_SENTENCE].casefold()
    return any(word in folded for word in _CODE_WORDS)


def attempted_in(text: str) -> bool:
    """A sentence that speaks of a code and carries something typed as one, valid or not
    («код ABCDE-2345O»): answered as a wrong code, and counted against the attempt limit."""
    return mentions_code(text) and any(
        looks_like_attempt(word) for word in _WORD.findall(text[:MAX_SENTENCE])
    )


@dataclass(frozen=True)
class IssuedInvite:
    """A school's new head code from `svodka invites`, and how many of its unused codes the
    new one replaced (every issue revokes them: only the latest list is valid)."""

    school: str
    code: str
    link: str | None
    revoked: int = 0


@dataclass(frozen=True)
class Reissued:
    """A school's new invite code for a role, and what issuing it undid."""

    school: str
    district: str
    role: str
    code: str
    link: str | None
    revoked: int  # the role's unused codes cancelled
    has_holder: bool  # whoever redeems the new code replaces them
