import pytest

from bot.domain.school_search import find
from tests.fixtures.sergokala import SCHOOLS

ITEMS = [(i, s.name) for i, s in enumerate(SCHOOLS)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("дегва", "МКОУ «Дегвинская СОШ»"),
        ("ДЕГВИНСКАЯ", "МКОУ «Дегвинская СОШ»"),
        ("мургукская сош", "МКОУ «Мургукская СОШ»"),
        ("сергокалинская 2", "МКОУ «Сергокалинская СОШ №2»"),
        ("Сергокалинская СОШ №1", "МКОУ «Сергокалинская СОШ №1»"),
        ("тахо-годи", "МКОУ «Урахинская СОШ им А.А. Тахо Годи»"),
        ("бурдека", "МКОУ «Бурдекинская СОШ»"),
    ],
)
def test_finds_one_school(query: str, expected: str) -> None:
    assert [name for _, name in find(query, ITEMS)] == [expected]


def test_yo_and_e_are_the_same() -> None:
    items = [(1, "МКОУ «Новосёлкинская СОШ»"), (2, "МКОУ «Дегвинская СОШ»")]
    assert find("новоселки", items) == [(1, "МКОУ «Новосёлкинская СОШ»")]


def test_ambiguous_query_returns_candidates() -> None:
    names = [name for _, name in find("сергокалинская", ITEMS)]
    assert sorted(names) == ["МКОУ «Сергокалинская СОШ №1»", "МКОУ «Сергокалинская СОШ №2»"]


@pytest.mark.parametrize("query", ["xyz", "", "🙂", "школа" * 2000])
def test_nothing_similar(query: str) -> None:
    assert find(query, ITEMS) == []
