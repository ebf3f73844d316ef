"""Reading the list of schools an office keeps in a spreadsheet: CSV (UTF-8, cp1251 or
UTF-16; `;`, `,` or tab) or XLSX, with the column names offices use.

Office lists are made for people: a title row («Список ОО … на 01.09.2024»), blank rows or
a header merged over two rows sit above the data, a row of column numbers («1 2 3 …») under
it, an «Итого» row at the end. The header is the first of the first 10 rows that names a
school column; everything else above it is skipped. Columns nobody asked for are listed,
not refused. Every problem names its row and its column, so the file is fixed in one go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice

from bot.domain.contacts import ContactError, normalize_email, normalize_phone
from bot.domain.formatting import quoted
from bot.domain.school_names import district_key, identity_key
from bot.domain.school_table_headers import (
    SCHOOL_COLUMN_HINT,
    Columns,
    header_columns,
    subheader_columns,
)
from bot.domain.sheet_rows import SchoolTableError, csv_rows, xlsx_sheets
from bot.domain.spreadsheet_safety import looks_like_formula

MAX_ROWS = 50_000
MAX_NAME = 300
MAX_SHORT_NAME = 120
HEADER_ROWS = 10  # the header is looked for among this many rows at the top
_TOTAL_WORDS = ("итого", "всего")


@dataclass(frozen=True)
class SchoolRow:
    line: int
    name: str
    short_name: str | None = None
    inn: str | None = None
    head_vk_id: int | None = None
    head_name: str | None = None
    phone: str | None = None
    email: str | None = None
    district: str | None = None  # from a region file's «Район» column


@dataclass(frozen=True)
class SchoolTable:
    rows: list[SchoolRow]
    header_line: int
    has_district: bool = False  # a region file: rows carry their district
    extra_columns: list[str] = field(default_factory=list)  # titles of the columns not read


def parse_school_table(data: bytes, filename: str) -> list[SchoolRow]:
    return read_school_table(data, filename).rows


def read_school_table(data: bytes, filename: str) -> SchoolTable:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _first_sheet_with_header(xlsx_sheets(data))
    return _read(csv_rows(data, top=HEADER_ROWS))


class _NoHeader(SchoolTableError):
    pass


def _first_sheet_with_header(
    sheets: Generator[Iterator[tuple[int, list[str]]], None, None],
) -> SchoolTable:
    """The first sheet with a school column: a workbook may open with a cover sheet."""
    first_error: SchoolTableError | None = None
    with closing(sheets):
        for rows in sheets:
            try:
                return _read(rows)
            except _NoHeader as error:
                first_error = first_error or error
    raise first_error or SchoolTableError(["Файл пустой"])


def _read(rows: Iterable[tuple[int, list[str]]]) -> SchoolTable:
    header_line, columns, data = _header(iter(rows))
    result: list[SchoolRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    seen_inn: dict[str, int] = {}
    district = ""
    for line, raw in data:
        cells = {name: _clean(raw[i]) if i < len(raw) else "" for name, i in columns.index.items()}
        if not any(_clean(c) for c in raw) or _is_total(raw, cells.get("school", "")):
            continue
        if columns.has("district"):
            # A region file's district is often one cell merged down over its schools.
            district = cells["district"] = cells["district"] or district
        if len(result) >= MAX_ROWS:
            problems.append(f"Строка {line}: слишком много строк, не больше {MAX_ROWS}")
            break
        row, row_problems = _row(line, cells, columns)
        problems.extend(row_problems)
        if row is None:
            continue
        key = (district_key(row.district or ""), identity_key(row.name))
        if key in seen:
            problems.append(
                f"Строка {line}: школа {quoted(row.name)} уже была в строке {seen[key]}"
            )
            continue
        if row.inn and row.inn in seen_inn:
            problems.append(f"Строка {line}: ИНН {row.inn} уже был в строке {seen_inn[row.inn]}")
            continue
        seen[key] = line
        if row.inn:
            seen_inn[row.inn] = line
        result.append(row)
    if problems:
        raise SchoolTableError(problems)
    if not result:
        raise SchoolTableError(["В файле нет ни одной школы"])
    return SchoolTable(result, header_line, columns.has("district"), columns.extra_titles)


def _header(
    rows: Iterator[tuple[int, list[str]]],
) -> tuple[int, Columns, Iterator[tuple[int, list[str]]]]:
    """The header among the top rows, and the data rows after it.

    A title can name a school column too («Наименование ОО района…» in one merged cell):
    the first row naming two or more known columns wins, else the first naming the school.
    """
    top = [(line, [_clean(cell) for cell in raw]) for line, raw in islice(rows, HEADER_ROWS)]
    found = [(position, header_columns(cells)) for position, (_, cells) in enumerate(top)]
    found = [(position, columns) for position, columns in found if columns.has("school")]
    if not found:
        if not any(any(cells) for _, cells in top):
            raise _NoHeader(["Файл пустой"])
        raise _NoHeader(
            [f"В первых {HEADER_ROWS} строках нет строки заголовков {SCHOOL_COLUMN_HINT}"]
        )
    position, columns = next(((p, c) for p, c in found if len(c.index) >= 2), found[0])
    rest = chain(top[position + 1 :], rows)
    following = [(line, raw) for line, raw in islice(rest, 2)]
    skipped = 0
    if following:
        sub = subheader_columns(columns, [_clean(cell) for cell in following[0][1]])
        if sub is not None:
            columns, skipped = sub, 1
    if len(following) > skipped and _is_numbering(following[skipped][1]):
        skipped += 1
    return top[position][0], columns, chain(following[skipped:], rest)


def _row(line: int, cells: dict[str, str], columns: Columns) -> tuple[SchoolRow | None, list[str]]:
    problems: list[str] = []

    def problem(name: str, text: str) -> None:
        problems.append(f"Строка {line}: {text} ({columns.where(name)})")

    name = cells.get("school", "")
    if not name:
        problem("school", "не указано название школы")
    elif len(name) > MAX_NAME:
        problem("school", f"название длиннее {MAX_NAME} символов")
    if columns.has("district") and not cells.get("district"):
        problem("district", "не указан район")
    for key in ("school", "short_name", "head_name", "district"):
        if looks_like_formula(cells.get(key, "")):
            # Stored, it would run as a formula in every export an official opens.
            problem(key, "текст похож на формулу таблицы (начинается с «=», «+», «-» или «@»)")
    inn = cells.get("inn") or None
    if inn is not None:
        inn = inn.replace(" ", "")
        if re.fullmatch(r"\d{9}", inn):  # Excel kept the ИНН as a number and lost its 0
            inn = "0" + inn
        if not re.fullmatch(r"\d{10}|\d{12}", inn):
            problem("inn", "ИНН должен состоять из 10 или 12 цифр")
    head_vk_id = _vk_id(cells.get("head_vk_id") or None)
    if head_vk_id == 0:
        problem("head_vk_id", "VK id руководителя должен быть положительным числом")
    contact: dict[str, str | None] = {}
    for key, normalize in (("phone", normalize_phone), ("email", normalize_email)):
        value = cells.get(key) or None
        try:
            contact[key] = normalize(value) if value else None
        except ContactError as exc:
            problem(key, str(exc))
    head_name = cells.get("head_name", "")
    if len(head_name) > 200:
        problem("head_name", "ФИО руководителя длиннее 200 символов")
    if problems:
        return None, problems
    return SchoolRow(
        line=line,
        name=name,
        short_name=cells.get("short_name", "")[:MAX_SHORT_NAME] or None,
        inn=inn,
        head_vk_id=head_vk_id,
        head_name=head_name or None,
        phone=contact["phone"],
        email=contact["email"],
        district=cells.get("district") or None,
    ), []


def _vk_id(raw: str | None) -> int | None:
    """The id, None when not given, 0 when given but not an id."""
    if raw is None:
        return None
    digits = raw.removeprefix("id")
    if digits.isascii() and digits.isdigit() and 0 < int(digits) < 2**53:
        return int(digits)
    return 0


def _is_total(raw: list[str], school: str) -> bool:
    """«Итого: 12» at the foot of the list: in the school column or before an empty one."""
    first = next((_clean(cell) for cell in raw if _clean(cell)), "")
    return (school or first).casefold().startswith(_TOTAL_WORDS)


def _is_numbering(raw: list[str]) -> bool:
    """The row of column numbers («1 2 3 4») official forms carry under the header."""
    numbers = [_clean(cell) for cell in raw if _clean(cell)]
    return (
        len(numbers) >= 2
        and all(n.isdigit() for n in numbers)
        and [int(n) for n in numbers] == sorted({int(n) for n in numbers})
    )


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"})
    return re.sub(r"\s+", " ", text).strip()
