"""Every text of `bot/texts/`, filled with names as they come from office lists and people,
keeps the rules of a clean Russian message: one pair of quotes around a name (never one
inside another), no «..» after a name that ends with a full stop, no double spaces."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

import bot.texts
from bot.domain.formatting import plural, quoted
from bot.texts.common import Template
from bot.texts.people import person

# Fields that hold a number, a date, a code or another value the bot formats itself.
NUMBERS = frozenset(
    [
        "answered",
        "count",
        "created",
        "heads",
        "late",
        "line",
        "line_no",
        "n",
        "officials",
        "place",
        "revoked",
        "rows",
        "total",
        "unchanged",
        "unsure",
        "updated",
        "vk_id",
        "weeks",
    ]
)
FORMATTED = {
    "address": "uo@example.ru",
    "change": "▲ 3,15 п. п.",
    "code": "ABCD-EFGH",
    "command": "/status",
    "days": "30 дней",
    "deadline": "до 16:00, пятница, 25 октября",
    "emails": "uo@example.ru, b@example.ru",
    "end": "27.10.2024",
    "first": "21.10–27.10.2024",
    "fmt": "XLSX",
    "inn": "0527001234",
    "last": "28.10–03.11.2024",
    "link": "https://vk.me/club1?ref=ABCDEFGH",
    "minutes": "15 минут",
    "missing": "не ответила 1 школа из 5",
    "path": "/tmp/приглашения.csv",
    "start": "21.10",
    "threshold": "40 %",
    "tz": "Europe/Moscow",
    "until": "18:00",
    "value": "48,68 %",
    "values": "48,68 → 51,02",
    "week": "21.10–27.10.2024",
    "when": "пятница, 16:00",
    "which": " без руководителя в боте",
    "zone": "Europe/Moscow",
}
# Names as they arrive: plain, in their own quotes, ending with a full stop.
NAMES = (
    "Дегвинская СОШ",
    "МКОУ «Дегвинская СОШ»",
    "МКОУ «Урахинская СОШ им. А.А. Тахо-Годи», с. Урахи.",
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _texts() -> Iterator[tuple[str, str]]:
    for info in pkgutil.iter_modules(bot.texts.__path__):
        module = importlib.import_module(f"bot.texts.{info.name}")
        for name, value in vars(module).items():
            if name.isupper():
                for text in _strings(value):
                    yield f"{info.name}.{name}", text


TEXTS = list(_texts())


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _sample(field: str, name: str) -> str:
    if field in NUMBERS:
        return "5"
    return FORMATTED.get(field, name)


def _rendered(text: str) -> Iterator[str]:
    fields = _fields(text)
    if not fields:
        yield text
        return
    for name in NAMES:
        yield text.format(**{field: _sample(field, name) for field in fields})


def _quotes_problem(text: str) -> str | None:
    depth = 0
    for char in text:
        depth += {"«": 1, "»": -1}.get(char, 0)
        if depth > 1:
            return "кавычки внутри кавычек"
        if depth < 0:
            return "закрывающая кавычка без открывающей"
    return "незакрытая кавычка" if depth else None


def _problems(text: str) -> list[str]:
    found = []
    if problem := _quotes_problem(text):
        found.append(problem)
    if re.search(r"(?<!\d)\.\.(?!\d)", text):
        found.append("две точки подряд")
    if re.search(r"\S {2,}", text):
        found.append("два пробела подряд")
    return found


def test_there_are_texts_to_check() -> None:
    assert len(TEXTS) > 200


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[where for where, _ in TEXTS])
def test_a_text_keeps_the_rules_whatever_names_it_is_filled_with(where: str, text: str) -> None:
    for rendered in _rendered(text):
        assert _problems(rendered) == [], rendered


def test_a_name_in_its_own_quotes_is_not_quoted_again() -> None:
    template = Template("Школа «{school}» перенесена в архив.")
    assert template.format(school="Дегвинская СОШ") == "Школа «Дегвинская СОШ» перенесена в архив."
    assert template.format(school="МКОУ «Дегвинская СОШ»") == (
        "Школа МКОУ «Дегвинская СОШ» перенесена в архив."
    )
    assert quoted("МКОУ «Дегвинская СОШ»") == "МКОУ «Дегвинская СОШ»"
    assert quoted("Дегвинская СОШ") == "«Дегвинская СОШ»"


def test_no_second_full_stop_after_a_value_that_ends_a_sentence() -> None:
    template = Template("Комментарий: {value}. Срок: {when}.")
    assert template.format(value="Всё в порядке.", when="пятница") == (
        "Комментарий: Всё в порядке. Срок: пятница."
    )
    assert template.format(value="Как же так?", when="…") == "Комментарий: Как же так? Срок: …"


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (1, "1 школа"),
        (2, "2 школы"),
        (5, "5 школ"),
        (11, "11 школ"),
        (21, "21 школа"),
        (22, "22 школы"),
        (111, "111 школ"),
    ],
)
def test_plural(n: int, shown: str) -> None:
    assert f"{n} {plural(n, ('школа', 'школы', 'школ'))}" == shown


def test_a_person_is_named_beside_their_id() -> None:
    assert person(500002, "Зарема", "Магомедова") == "Зарема Магомедова (id500002)"
    assert person(500002, None, None) == "id500002"
