"""Hostile input, property-based: files, codes and texts never crash and never yield
invalid data."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.domain import invite_codes
from bot.domain.school_table import MAX_NAME, SchoolRow, SchoolTableError, parse_school_table
from bot.domain.spreadsheet_safety import SafeCsvWriter, append_row, looks_like_formula
from bot.domain.text_split import SAFE_LIMIT, split_message

TRICKY = st.sampled_from(
    [
        "\u200f",  # RTL mark
        "\u202e",  # RTL override
        "\u200b",  # zero-width space
        "\ufeff",  # BOM
        "\x00",
        "\r",
        "ё",
        "«»",
        ";",
        ",",
        '"',
        "=cmd|' /C calc'!A0",
        "+1",
        "@SUM(A1)",
        "-2+3",
        "Школа № 1",
        "МКОУ «Аялизимахинская СОШ»",
        "'); DROP TABLE schools; --",
        '"}); API.messages.send({',
        "x" * 10_000,
    ]
)
CELL = st.one_of(st.text(max_size=40), TRICKY, st.lists(TRICKY, max_size=4).map("".join))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(rows: list[SchoolRow]) -> None:
    assert rows
    keys = set()
    for row in rows:
        assert row.name and len(row.name) <= MAX_NAME and row.name == row.name.strip()
        assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in row.name)
        assert not looks_like_formula(row.name)
        assert row.short_name is None or (
            len(row.short_name) <= 120 and not looks_like_formula(row.short_name)
        )
        assert row.inn is None or (row.inn.isdigit() and len(row.inn) in (10, 12))
        assert row.head_vk_id is None or 0 < row.head_vk_id < 2**53
        keys.add(row.name.casefold())
    assert len(keys) == len(rows)


def _parse(data: bytes, filename: str) -> None:
    try:
        rows = parse_school_table(data, filename)
    except SchoolTableError as exc:
        problems = exc.problems
        assert problems and all(isinstance(p, str) and p for p in problems)
        return
    _valid(rows)


@FAST
@given(st.binary(max_size=2_000), st.sampled_from(["s.csv", "s.xlsx", "S.CSV", "s"]))
def test_random_bytes_never_crash_the_import(data: bytes, filename: str) -> None:
    _parse(data, filename)


@FAST
@given(
    st.lists(st.lists(CELL, min_size=1, max_size=5), max_size=8),
    st.sampled_from([";", ","]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]),
)
def test_hostile_csv_cells_yield_valid_rows_or_a_clear_refusal(
    body: list[list[str]], delimiter: str, encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["school", "short_name", "inn", "head_vk_id"])
    writer.writerows(body)
    data = buffer.getvalue().encode(encoding, errors="replace")
    _parse(data, "s.csv")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6))
def test_hostile_xlsx_cells_yield_valid_rows_or_a_clear_refusal(body: list[list[str]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Образовательная организация", "Краткое наименование", "ИНН"])
    for row in body:
        # openpyxl refuses control characters itself; what is left goes into the file.
        sheet.append(["".join(ch for ch in cell if ch >= " " or ch == "\t") for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _parse(buffer.getvalue(), "s.xlsx")


def test_formula_names_are_refused_not_stored() -> None:
    data = "school;inn\n=cmd|' /C calc'!A0;\n@SUM(1+1);\nШкола № 1;\n".encode()
    with pytest.raises(SchoolTableError) as refused:
        parse_school_table(data, "s.csv")
    problems = refused.value.problems
    assert len(problems) == 2 and all("формулу" in p for p in problems)


def test_a_formula_in_an_xlsx_is_never_evaluated() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["school"])
    sheet.append(['=HYPERLINK("http://evil","Школа")'])  # no cached value: reads as empty
    sheet.append(["Школа № 2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = parse_school_table(buffer.getvalue(), "s.xlsx")
    assert [r.name for r in rows] == ["Школа № 2"]


# Numbers as answers can be: the questionnaire bounds them far below Decimal's precision.
VALUES = st.lists(
    st.one_of(st.text(), TRICKY, st.integers(), st.floats(min_value=-1e9, max_value=1e9)),
    min_size=1,
    max_size=6,
)


@FAST
@given(VALUES, st.sampled_from(["\r\n", "\n"]))
def test_csv_cells_leave_nothing_a_spreadsheet_would_run(
    values: list[str | float], lineterminator: str
) -> None:
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, delimiter=";", lineterminator=lineterminator).writerow(values)
    assert buffer.getvalue().endswith(lineterminator)
    [cells] = list(csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=";"))
    for value, cell in zip(values, cells, strict=True):
        if isinstance(value, str):
            assert not looks_like_formula(cell)
            assert cell in (value, "'" + value)
        else:
            assert not cell.startswith("'")


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_xlsx_cells_are_never_formulas_and_keep_their_text(values: list[str | float]) -> None:
    workbook = Workbook()
    append_row(workbook.active, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    [cells] = load_workbook(buffer).active.iter_rows(max_row=1, max_col=len(values))
    for value, cell in zip(values, cells, strict=True):
        assert cell.data_type != "f"
        if isinstance(value, str):
            # Control characters are refused by XLSX itself; XML reads a lone \r as \n.
            text = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
            assert cell.value == (text or None)
        else:  # a number, to the precision XLSX keeps
            assert cell.data_type == "n" and cell.value == pytest.approx(value, rel=1e-15)


@FAST
@given(st.one_of(st.text(max_size=200), TRICKY))
def test_invite_code_normalisation_is_total_and_canonical(text: str) -> None:
    code = invite_codes.normalize(text)
    if code is None:
        return
    assert len(code) == invite_codes.CODE_LENGTH and set(code) <= set(invite_codes.ALPHABET)
    assert invite_codes.normalize(code) == code
    assert invite_codes.normalize(invite_codes.display(code)) == code
    assert invite_codes.normalize(invite_codes.display(code).lower()) == code


@FAST
@given(st.lists(st.one_of(st.text(max_size=300), TRICKY), max_size=60).map("\n".join))
def test_split_message_keeps_every_character_within_the_limit(text: str) -> None:
    chunks = split_message(text)
    assert chunks and all(len(chunk) <= SAFE_LIMIT for chunk in chunks)
    if len(text) > SAFE_LIMIT:
        # Only whitespace may go (at cuts, blank chunks); every other character stays, in order.
        assert "".join("".join(chunks).split()) == "".join(text.split())
    else:
        assert chunks == [text]
