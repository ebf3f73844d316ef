"""When two spellings of a school's name are the same school, and when they only look alike.

Office lists are typed by hand, so the same school arrives as «МКОУ «СОШ №2»», «мкоу сош № 2»
and «Муниципальное казённое общеобразовательное учреждение "Средняя общеобразовательная
школа N 2"». `identity_key` makes those equal: case, ё, quotes, punctuation, spaces, the
number sign and the spelled-out forms of СОШ/ООШ/НОШ and of the legal form do not matter.
`looks_alike` finds what is probably the same school but not certainly («Дегвинская СОШ»
and «МКОУ «Дегвинская СОШ»»): such pairs are asked about, never merged by a guess.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Spelled-out forms and their abbreviations, as they stand in names and charters.
_PHRASES = {
    "средняя общеобразовательная школа": "сош",
    "основная общеобразовательная школа": "оош",
    "начальная общеобразовательная школа": "нош",
    "муниципальное казенное общеобразовательное учреждение": "мкоу",
    "муниципальное бюджетное общеобразовательное учреждение": "мбоу",
    "муниципальное автономное общеобразовательное учреждение": "маоу",
    "муниципальное общеобразовательное учреждение": "моу",
    "государственное казенное общеобразовательное учреждение": "гкоу",
    "государственное бюджетное общеобразовательное учреждение": "гбоу",
    "частное общеобразовательное учреждение": "чоу",
    "имени": "им",
}
# The legal form says who funds the school, not which school it is: a school moved from
# МКОУ to МБОУ is the same school, but only a person can say so.
_LEGAL_FORMS = frozenset({"мкоу", "мбоу", "маоу", "моу", "гкоу", "гбоу", "чоу", "оу", "мку", "мбу"})
_DISTRICT_WORDS = frozenset({"муниципальный", "муниципальное", "образование", "район", "мр", "мо"})
_PHRASE = re.compile(r"\b(?:" + "|".join(map(re.escape, _PHRASES)) + r")\b")
# NFKC turns «№» into «No»; «N 2», «No. 2», «№2» all mean the number sign.
_NUMBER_SIGN = re.compile(r"(?<![a-zа-я])(?:no|n)\.?\s*(?=\d)")
_PUNCTUATION = re.compile(r"[^\w№]+")
_NUMBER = re.compile(r"\d+")
# How alike two names must be (difflib ratio of their keys) to be asked about.
ALIKE = 0.85


def plain(name: str) -> str:
    """The name as words: case, ё, quotes, punctuation, spacing and the way the number sign
    is written do not matter («МКОУ «СОШ №2»» and «мкоу сош № 2» read the same)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    text = _NUMBER_SIGN.sub("№", text)
    return _PUNCTUATION.sub(" ", text).strip()


def identity_key(name: str) -> str:
    """The name with everything that does not tell one school from another taken out."""
    text = _PHRASE.sub(lambda match: _PHRASES[match.group(0)], plain(name))
    return re.sub(r"№ +", "№", text)


def core_key(name: str) -> str:
    """The identity key without the legal form (МКОУ, МБОУ, …)."""
    return " ".join(word for word in identity_key(name).split() if word not in _LEGAL_FORMS)


def district_key(name: str) -> str:
    """«МО «Сергокалинский район»», «Сергокалинский муниципальный район» → «сергокалинский»."""
    words = identity_key(name).split()
    return " ".join(word for word in words if word not in _DISTRICT_WORDS) or " ".join(words)


def looks_alike(first: str, second: str) -> bool:
    """Probably one school written two ways: the same numbers, and the same name apart from
    the legal form or a few letters. №1 and №2 are never alike."""
    if _NUMBER.findall(first) != _NUMBER.findall(second):
        return False
    a, b = core_key(first), core_key(second)
    if a == b:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE
