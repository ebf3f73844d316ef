"""Reading the list of schools an admin exports from a spreadsheet: CSV (UTF-8 or cp1251,
`,` or `;`) or XLSX, with Russian or English column names."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.domain.spreadsheet_safety import looks_like_formula

MAX_ROWS = 50_000
MAX_NAME = 300
HEADER_ALIASES = {
    "school": "school",
    "образовательная организация": "school",
    "оо": "school",
    "школа": "school",
    "наименование": "school",
    "head_vk_id": "head_vk_id",
    "vk id руководителя": "head_vk_id",
    "inn": "inn",
    "инн": "inn",
    "short_name": "short_name",
    "краткое наименование": "short_name",
}


@dataclass(frozen=True)
class SchoolRow:
    line: int
    name: str
    short_name: str | None = None
    inn: str | None = None
    head_vk_id: int | None = None


class SchoolTableError(Exception):
    """Every problem found, each naming its line, so the admin fixes the file in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def school_key(name: str) -> str:
    """The identity of a school name: case, quotes, ё and spacing do not matter."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    text = re.sub(r"[«»\"'“”„`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_school_table(data: bytes, filename: str) -> list[SchoolRow]:
    rows = _xlsx_rows(data) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv_rows(data)
    return _validate(rows)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise SchoolTableError(
                ["Файл не читается как текст: сохраните таблицу как CSV (UTF-8) или XLSX"]
            ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:  # NUL bytes, a cell beyond the csv module's size limit
        raise SchoolTableError([f"Строка {reader.line_num}: файл повреждён ({exc})"]) from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        from openpyxl import load_workbook  # imported on use (memory at start-up)

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise SchoolTableError([f"Файл не читается как XLSX: {type(exc).__name__}"]) from exc
    sheet = workbook.worksheets[0]
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else _cell_text(v) for v in values]
    workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _validate(rows: Iterable[tuple[int, list[str]]]) -> list[SchoolRow]:
    iterator = iter(rows)
    columns = _header(iterator)
    problems: list[str] = []
    result: list[SchoolRow] = []
    seen: dict[str, int] = {}
    for line, raw in iterator:
        if not any(_clean(c) for c in raw):
            continue
        cells = {field: _clean(raw[i]) if i < len(raw) else "" for field, i in columns.items()}
        if len(result) >= MAX_ROWS:
            problems.append(f"Строка {line}: слишком много строк, не больше {MAX_ROWS}")
            break
        row, row_problems = _row(line, cells)
        problems.extend(row_problems)
        if row is None:
            continue
        key = school_key(row.name)
        if key in seen:
            problems.append(f"Строка {line}: школа «{row.name}» уже была в строке {seen[key]}")
            continue
        seen[key] = line
        result.append(row)
    if problems:
        raise SchoolTableError(problems)
    if not result:
        raise SchoolTableError(["В файле нет ни одной школы"])
    return result


def _header(rows: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    for line, raw in rows:
        if not any(_clean(c) for c in raw):
            continue
        columns: dict[str, int] = {}
        for index, title in enumerate(raw):
            field = HEADER_ALIASES.get(_clean(title).casefold().replace("ё", "е"))
            if field and field not in columns:
                columns[field] = index
        if "school" not in columns:
            raise SchoolTableError(
                [f"Строка {line}: нет столбца «school» (или «Образовательная организация», «ОО»)"]
            )
        return columns
    raise SchoolTableError(["Файл пустой"])


def _row(line: int, cells: dict[str, str]) -> tuple[SchoolRow | None, list[str]]:
    problems = []
    name = cells.get("school", "")
    if not name:
        problems.append(f"Строка {line}: не указано название школы")
    elif len(name) > MAX_NAME:
        problems.append(f"Строка {line}: название длиннее {MAX_NAME} символов")
    elif looks_like_formula(name) or looks_like_formula(cells.get("short_name", "")):
        # Stored, it would run as a formula in every export an official opens.
        problems.append(f"Строка {line}: название похоже на формулу таблицы (начинается с «=»)")
    inn = cells.get("inn") or None
    if inn is not None and not re.fullmatch(r"\d{10}|\d{12}", inn):
        problems.append(f"Строка {line}: ИНН должен состоять из 10 или 12 цифр")
    head_raw = cells.get("head_vk_id") or None
    head_vk_id = None
    if head_raw is not None:
        digits = head_raw.removeprefix("id")
        if digits.isascii() and digits.isdigit() and 0 < int(digits) < 2**53:
            head_vk_id = int(digits)
        else:
            problems.append(f"Строка {line}: VK id руководителя должен быть положительным числом")
    if problems:
        return None, problems
    short_name = cells.get("short_name", "")[:120] or None
    return SchoolRow(line, name, short_name, inn, head_vk_id), []


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc"})
    return re.sub(r"\s+", " ", text).strip()
