"""The rows of a spreadsheet file as (row number, cell texts): CSV in UTF-8, cp1251 or
UTF-16 with `;`, `,` or tab, or each sheet of an XLSX workbook. Pure: bytes in."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator


class SchoolTableError(Exception):
    """Every problem found, each naming its row, so the admin fixes the file in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Текст Юникод»
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SchoolTableError(["Файл не читается как текст: сохраните таблицу как CSV или XLSX"])


def csv_rows(data: bytes, *, top: int) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    head = "\n".join(text.splitlines()[:top])
    # A title row above the header may hold commas of its own: count over the top rows.
    delimiter = max((";", ",", "\t"), key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:  # NUL bytes, a cell beyond the csv module's size limit
        raise SchoolTableError([f"Строка {reader.line_num}: файл повреждён ({exc})"]) from exc


def xlsx_sheets(data: bytes) -> Generator[Iterator[tuple[int, list[str]]], None, None]:
    try:
        from openpyxl import load_workbook  # imported on use (memory at start-up)

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise SchoolTableError([f"Файл не читается как XLSX: {type(exc).__name__}"]) from exc
    try:
        for sheet in workbook.worksheets:
            yield (
                (number, ["" if v is None else _cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            )
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
