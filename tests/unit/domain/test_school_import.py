"""Which school each row of a list is: by ИНН, by the name, or a question."""

from __future__ import annotations

import pytest

from bot.domain.school_import import (
    Action,
    Doubt,
    KnownSchool,
    Unsure,
    plan_import,
    split_by_district,
)
from bot.domain.school_table import SchoolRow, SchoolTable, SchoolTableError

DEGVA = KnownSchool(1, "МКОУ «Дегвинская СОШ»", inn="0527000001")
SOSH2 = KnownSchool(2, "МКОУ «Сергокалинская СОШ №2»")
SOSH1 = KnownSchool(3, "МКОУ «Сергокалинская СОШ №1»", phone="+7 900 000-00-01")
KNOWN = [DEGVA, SOSH2, SOSH1]


def row(line: int, name: str, **fields: str) -> SchoolRow:
    return SchoolRow(line=line, name=name, **fields)  # type: ignore[arg-type]


def actions(rows: list[SchoolRow], known=KNOWN, **kwargs) -> list[tuple[Action, int | None]]:
    return [
        (d.action, d.school.id if d.school else None) for d in plan_import(rows, known, **kwargs)
    ]


def test_the_number_sign_spaced_or_not_is_one_school() -> None:
    (decision,) = plan_import([row(2, "МКОУ «Сергокалинская СОШ № 2»")], KNOWN)
    assert (decision.action, decision.school) == (Action.UNCHANGED, SOSH2)
    assert decision.changes == {}  # the stored spelling stays


def test_inn_identifies_a_renamed_school() -> None:
    (decision,) = plan_import([row(2, "МБОУ «Дегвинская гимназия»", inn="0527000001")], KNOWN)
    assert decision.action is Action.UPDATE and decision.school == DEGVA
    assert decision.changes == {"name": "МБОУ «Дегвинская гимназия»"}


def test_an_empty_cell_never_clears_and_new_contacts_update() -> None:
    rows = [row(2, "МКОУ «Сергокалинская СОШ №1»", head_name="Иванов И. И.")]
    (decision,) = plan_import(rows, KNOWN)
    assert decision.action is Action.UPDATE
    assert decision.changes == {"head_name": "Иванов И. И."}  # the phone stays


def test_a_new_school_and_an_unchanged_one() -> None:
    rows = [row(2, "МКОУ «Кадиркентская СОШ»"), row(3, "мкоу дегвинская сош", inn="0527000001")]
    assert actions(rows) == [(Action.CREATE, None), (Action.UNCHANGED, 1)]


def test_a_near_match_is_a_question_not_a_guess() -> None:
    (decision,) = plan_import([row(2, "Дегвинская средняя общеобразовательная школа")], KNOWN)
    assert decision.action is Action.UNSURE and decision.doubt is Doubt.ALIKE
    assert decision.candidates == (DEGVA.name,)


@pytest.mark.parametrize(
    ("unsure", "expected"), [(Unsure.SAME, (Action.UPDATE, 1)), (Unsure.NEW, (Action.CREATE, None))]
)
def test_the_admin_answers_the_question(unsure: Unsure, expected: tuple) -> None:
    assert actions([row(2, "Дегвинская СОШ")], unsure=unsure) == [expected]


def test_a_school_matched_exactly_is_not_offered_as_a_look_alike() -> None:
    rows = [row(2, "Дагвинская СОШ"), row(3, "МКОУ «Дегвинская СОШ»")]
    assert actions(rows) == [(Action.CREATE, None), (Action.UNCHANGED, 1)]


def test_number_one_is_never_taken_for_number_two() -> None:
    known = [SOSH2]
    assert actions([row(2, "МКОУ «Сергокалинская СОШ №1»")], known) == [(Action.CREATE, None)]


def test_conflicts_are_questions_whatever_the_answer() -> None:
    twins = [SOSH2, KnownSchool(9, "МКОУ «Сергокалинская СОШ № 2»")]
    cases = [
        ([row(2, "МКОУ «Дегвинская СОШ»", inn="0527999999")], KNOWN, Doubt.INN_DIFFERS),
        ([row(2, "Сергокалинская СОШ №2")], twins, Doubt.ALIKE),  # like both twins
        ([row(2, "МКОУ «Сергокалинская СОШ №2»")], twins, Doubt.TWINS_IN_BOT),
        ([row(2, "МКОУ «Сергокалинская СОШ №2»", inn="0527000001")], KNOWN, Doubt.NAME_TAKEN),
    ]
    for rows, known, doubt in cases:
        for unsure in (Unsure.ASK, Unsure.SAME) if doubt is Doubt.ALIKE else list(Unsure):
            (decision,) = plan_import(rows, known, unsure=unsure)
            assert (decision.action, decision.doubt) == (Action.UNSURE, doubt), rows


def test_two_rows_landing_on_one_school() -> None:
    rows = [row(2, "Дегвинская гимназия", inn="0527000001"), row(3, "МКОУ «Дегвинская СОШ»")]
    second = plan_import(rows, KNOWN)[1]
    assert (second.action, second.doubt, second.other_line) == (Action.UNSURE, Doubt.SAME_SCHOOL, 2)


def test_an_archived_school_is_matched_but_an_active_twin_wins() -> None:
    archived = KnownSchool(9, "МКОУ «Сергокалинская СОШ № 2»", archived=True)
    assert actions([row(2, "Сергокалинская СОШ-2")], [archived], unsure=Unsure.SAME) == [
        (Action.UPDATE, 9)
    ]
    rows = [row(2, "МКОУ «Сергокалинская СОШ №2»")]
    assert actions(rows, [archived, SOSH2]) == [(Action.UNCHANGED, 2)]


def table(rows: list[SchoolRow], has_district: bool) -> SchoolTable:
    return SchoolTable(rows, header_line=1, has_district=has_district)


def test_a_region_file_is_split_by_district() -> None:
    rows = [
        row(2, "СОШ №1", district="Сергокалинский район"),
        row(3, "СОШ №1", district="Левашинский район"),
        row(4, "СОШ №2", district="МО «Сергокалинский район»"),
    ]
    groups = split_by_district(table(rows, True), None)
    assert [(name, [r.line for r in part]) for name, part in groups] == [
        ("Сергокалинский район", [2, 4]),
        ("Левашинский район", [3]),
    ]
    ((name, part),) = split_by_district(table(rows, True), "сергокалинский")
    assert name == "сергокалинский" and [r.line for r in part] == [2, 4]
    with pytest.raises(SchoolTableError, match="В файле нет школ района «Ахвахский»"):
        split_by_district(table(rows, True), "Ахвахский")


def test_a_district_file_needs_the_district_named() -> None:
    with pytest.raises(SchoolTableError, match="Укажите район"):
        split_by_district(table([row(2, "СОШ №1")], False), None)
    assert split_by_district(table([row(2, "СОШ №1")], False), "Д")[0][0] == "Д"
