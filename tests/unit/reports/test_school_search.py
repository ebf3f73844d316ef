import pytest

from bot.domain.school_search import find, split_district
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


def test_quotes_case_yo_spaces_and_the_number_sign_do_not_matter() -> None:
    items = [(1, "МКОУ «Ёлкинская  СОШ № 2»"), (2, "МКОУ «Ёлкинская СОШ № 1»")]
    assert find('мкоу "елкинская сош №2"', items) == [(1, "МКОУ «Ёлкинская  СОШ № 2»")]
    assert find("СОШ N2", items) == [(1, "МКОУ «Ёлкинская  СОШ № 2»")]


def test_a_number_is_a_whole_word() -> None:
    items = [(1, "СОШ № 12"), (2, "СОШ № 1")]
    assert find("СОШ №1", items) == [(2, "СОШ № 1")]


def test_the_name_itself_wins_over_names_containing_it() -> None:
    items = [(1, "СОШ № 1 им. Героя"), (2, "СОШ № 1")]
    assert find("сош № 1", items) == [(2, "СОШ № 1")]


def test_a_school_found_by_two_of_its_names_is_found_once() -> None:
    items = [(1, "МКОУ «Дегвинская СОШ»"), (1, "Дегвинская СОШ"), (2, "МКОУ «Бурдекинская СОШ»")]
    assert find("дегвинская", items) == [(1, "МКОУ «Дегвинская СОШ»")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Альфа район СОШ № 1", ("Альфа район", "СОШ № 1")),
        ("• МКОУ «СОШ № 1» (Альфа район)", ("Альфа район", "МКОУ «СОШ № 1»")),
        ("сош 1 альфа РАЙОН", ("Альфа район", "сош 1")),
        ("Альфа район", (None, "Альфа район")),
        ("Альфинская СОШ", (None, "Альфинская СОШ")),
    ],
)
def test_a_district_named_before_or_after_the_school(
    text: str, expected: tuple[str | None, str]
) -> None:
    assert split_district(text, ["Альфа район", "Бета район"]) == expected
