"""Finding a school by a fragment of its name, as officials type it on a phone.

«дегва» should find «МКОУ «Дегвинская СОШ»», «сергокалинская 2» the school №2, «СОШ №2»
the «СОШ № 2»: names are read as words the way import compares them (`school_names.plain`),
each word of the query is scored against the best-matching word of the name (difflib
ratio, with a bonus for a shared beginning, since people type the start of a word), and
the query's score is the mean over its words. Every command that takes a school searches
through `find`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

from bot.domain.school_names import plain
from bot.domain.textnorm import fold

T = TypeVar("T")

THRESHOLD = 0.6
# Two candidates closer than this are both shown: guessing would report the wrong school.
AMBIGUITY_MARGIN = 0.05
MAX_CANDIDATES = 6
EXACT = 2.0  # above any partial match, so «СОШ № 1» is not asked about beside «СОШ № 1 им. …»
_WORD = re.compile(r"\d+|[^\W\d_]+")  # "№2" gives "2": the sign itself is no word


def words(text: str) -> list[str]:
    return _WORD.findall(plain(text))


def _trigrams(query: str) -> set[str]:
    """Three-letter pieces of the query: a name sharing none of them cannot score high
    enough, so the slow comparison runs only on the rest (40 000 schools for an admin)."""
    return {word[i : i + 3] for word in words(query) for i in range(len(word) - 2)}


def _shares_a_gram(grams: set[str], name: str) -> bool:
    key = name.casefold().replace("ё", "е")  # cheaper than plain; enough to filter
    return any(gram in key for gram in grams)


def score(query: str, name: str) -> float:
    return _score(words(query), words(name))


def _score(query_words: list[str], name_words: list[str]) -> float:
    if not query_words or not name_words:
        return 0.0
    # Whole words in a row: «СОШ 1» is in «СОШ 1 им. Героя», not in «СОШ 12».
    if f" {' '.join(query_words)} " in f" {' '.join(name_words)} ":
        return 1.0
    return sum(max(_word_score(q, n) for n in name_words) for q in query_words) / len(query_words)


def _word_score(query: str, word: str) -> float:
    if query == word:
        return 1.0
    if query.isdigit() or word.isdigit():
        return 0.0  # №1 and №2 are different schools, however similar the digits
    if word.startswith(query) and len(query) >= 3:
        return 0.95
    prefix = 0
    for a, b in zip(query, word, strict=False):
        if a != b:
            break
        prefix += 1
    ratio = SequenceMatcher(None, query, word).ratio()
    return max(ratio, prefix / len(query) * 0.9 if prefix >= 3 else 0.0)


def find(query: str, items: Sequence[tuple[T, str]]) -> list[tuple[T, str]]:
    """The matching (item, name) pairs: one when the best match is clear, several when
    close candidates tie, none when nothing is similar enough. A name equal to the query
    wins over names that only contain it. An item may come with several names (full and
    short): it is found once."""
    query_words, grams = words(query), _trigrams(query)
    scored = []
    for index, (_, name) in enumerate(items):
        if grams and not _shares_a_gram(grams, name):
            continue
        name_words = words(name)
        exact = bool(query_words) and query_words == name_words
        value = EXACT if exact else _score(query_words, name_words)
        if value >= THRESHOLD:
            scored.append((value, index))
    if not scored:
        return []
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    best = scored[0][0]
    found: list[tuple[T, str]] = []
    for value, index in scored:
        if best - value >= AMBIGUITY_MARGIN or len(found) == MAX_CANDIDATES:
            break
        if all(items[index][0] != item for item, _ in found):
            found.append(items[index])
    return found


def split_district(text: str, districts: Collection[str]) -> tuple[str | None, str]:
    """A district named before or after the school («Альфа район СОШ № 1», or a line copied
    from a list of choices: «• СОШ № 1 (Альфа район)») and the school's part of the text."""
    parts = text.replace("•", " ").split()
    keys = [fold(part).strip("()") for part in parts]
    for name in sorted(districts, key=lambda name: -len(name.split())):
        wanted = fold(name).split()
        size = len(wanted)
        if len(keys) <= size:
            continue
        if keys[-size:] == wanted:
            return name, " ".join(parts[:-size])
        if keys[:size] == wanted:
            return name, " ".join(parts[size:])
    return None, text
