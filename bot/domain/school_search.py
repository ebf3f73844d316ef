"""Finding a school by a fragment of its name, as officials type it on a phone.

«дегва» should find «МКОУ «Дегвинская СОШ»», «сергокалинская 2» the school №2: each word
of the query is scored against the best-matching word of the name (difflib ratio, with
a bonus for a shared beginning, since people type the start of a word), and the
query's score is the mean over its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import TypeVar

from bot.domain.school_table import school_key

T = TypeVar("T")

THRESHOLD = 0.6
# Two candidates closer than this are both shown: guessing would report the wrong school.
AMBIGUITY_MARGIN = 0.05
MAX_CANDIDATES = 6
_WORD = re.compile(r"\d+|[^\W\d_]+")  # "№2" (NFKC "no2") gives "no" and "2"


def words(text: str) -> list[str]:
    return _WORD.findall(school_key(text))


def _trigrams(query: str) -> set[str]:
    """Three-letter pieces of the query: a name sharing none of them cannot score high
    enough, so the slow comparison runs only on the rest (40 000 schools for an admin)."""
    return {word[i : i + 3] for word in words(query) for i in range(len(word) - 2)}


def _shares_a_gram(grams: set[str], name: str) -> bool:
    key = name.casefold().replace("ё", "е")  # cheaper than school_key; enough to filter
    return any(gram in key for gram in grams)


def score(query: str, name: str) -> float:
    query_words, name_words = words(query), words(name)
    if not query_words or not name_words:
        return 0.0
    if " ".join(query_words) in " ".join(name_words):
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
    close candidates tie, none when nothing is similar enough."""
    grams = _trigrams(query)
    scored = sorted(
        (
            (score(query, name), index)
            for index, (_, name) in enumerate(items)
            if not grams or _shares_a_gram(grams, name)
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    scored = [pair for pair in scored if pair[0] >= THRESHOLD]
    if not scored:
        return []
    best = scored[0][0]
    close = [index for value, index in scored if best - value < AMBIGUITY_MARGIN]
    return [items[index] for index in close[:MAX_CANDIDATES]]
