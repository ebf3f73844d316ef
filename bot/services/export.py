"""/export and `svodka export`: a district's weeks as XLSX or CSV for forwarding up.

One long table (week × school: every answer, then every indicator) plus, in XLSX, a
sheet with the district's indicators per week. CSV is for Russian Excel: UTF-8 with BOM,
";" between fields and a decimal comma.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import format_answer
from bot.domain.formatting import format_decimal
from bot.domain.indicators import compute_indicators
from bot.domain.questionnaire import Questionnaire
from bot.domain.report_data import WeekPoint, as_count
from bot.services.reports import district_trend
from bot.services.rounds import calendar_of
from bot.texts import reports as t
from storage.models import District
from storage.repos import audit
from storage.repos import reports as repo

PERCENT_FORMAT = "0.00%"
MAX_WIDTH = 45


@dataclass(frozen=True)
class ExportTable:
    questionnaire: Questionnaire
    rows: list[dict[str, Any]]  # "week", "school", "late", answer keys, indicator keys
    weeks: list[WeekPoint]  # oldest first


async def export_district(
    *,
    session: AsyncSession,
    district: District,
    now: datetime,
    weeks: int,
    fmt: str,
    actor_id: int | None,
) -> tuple[str, bytes]:
    """(file name, content); the export is written to the audit log."""
    table = await export_table(session=session, district=district, now=now, weeks=weeks)
    data = to_xlsx(table) if fmt == "xlsx" else to_csv(table)
    period = calendar_of(district).week_of(now)
    audit.record(
        session,
        action="export",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        format=fmt,
        weeks=weeks,
        rows=len(table.rows),
    )
    return f"svodka-{period}.{fmt}", data


async def export_table(
    *, session: AsyncSession, district: District, now: datetime, weeks: int
) -> ExportTable:
    qn, points = await district_trend(session=session, district=district, now=now, weeks=weeks)
    upto = calendar_of(district).week_of(now)
    rounds = await repo.weekly_rounds(
        session, district_id=district.id, upto_period=str(upto), limit=weeks
    )
    round_ids = [r.id for r in rounds]
    roster = await repo.roster(session, district_ids=[district.id])
    late = {
        (r.round_id, r.school_id): r.late
        for r in await repo.responses(session, round_ids=round_ids)
    }
    values: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    numbers: dict[tuple[int, int], dict[str, object]] = defaultdict(dict)
    for row in await repo.answers(session, round_ids=round_ids):
        values[row.round_id, row.school_id][row.key] = row.value
        numbers[row.round_id, row.school_id][row.key] = as_count(row.num)
    rows = []
    for round_ in reversed(rounds):
        for school in roster:
            key = (round_.id, school.school_id)
            row: dict[str, Any] = {"week": round_.period, "school": school.name}
            if key in late:
                row["late"] = late[key]
                row.update(values[key])
                for value in compute_indicators(qn, numbers[key]):
                    row[value.key] = value.ratio
            rows.append(row)
    return ExportTable(qn, rows, points)


def _answer_columns(qn: Questionnaire) -> list[tuple[str, str]]:
    return [(q.key, q.label) for q in qn.questions]


def _cell(qn: Questionnaire, key: str, value: Any) -> Any:
    """Numbers stay numbers (the spreadsheet sums them); the rest as the bot shows it."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return format_answer(qn.question(key), value)


def to_xlsx(table: ExportTable) -> bytes:
    qn = table.questionnaire
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t.SHEET_DATA
    answers = _answer_columns(qn)
    indicators = [(ind.key, ind.label) for ind in qn.indicators]
    header = [
        t.COL_WEEK,
        t.COL_SCHOOL,
        t.COL_LATE,
        *(label for _, label in answers),
        *(label for _, label in indicators),
    ]
    sheet.append(header)
    for row in table.rows:
        late = row.get("late")
        sheet.append(
            [
                row["week"],
                row["school"],
                None if late is None else ("Да" if late else "Нет"),
                *(_cell(qn, key, row.get(key)) for key, _ in answers),
                *(row.get(key) for key, _ in indicators),
            ]
        )
    first_percent = 4 + len(answers)
    _format(sheet, header, first_percent, len(table.rows) + 1)
    summary = workbook.create_sheet(t.SHEET_SUMMARY)
    summary_header = [t.COL_WEEK, t.COL_ANSWERED, *(label for _, label in indicators)]
    summary.append(summary_header)
    for point in table.weeks:
        summary.append([point.period, point.answered, *(v.ratio for v in point.indicators)])
    _format(summary, summary_header, 3, len(table.weeks) + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format(sheet: Any, header: list[str], first_percent: int, last_row: int) -> None:
    sheet.freeze_panes = "C2"
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            MAX_WIDTH, max(10, len(title) + 2)
        )
    sheet.column_dimensions["B"].width = MAX_WIDTH
    for column in range(first_percent, len(header) + 1):
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=column, max_col=column):
            cell.number_format = PERCENT_FORMAT


def to_csv(table: ExportTable) -> bytes:
    qn = table.questionnaire
    answers = _answer_columns(qn)
    indicators = [(ind.key, f"{ind.label}, %") for ind in qn.indicators]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            t.COL_WEEK,
            t.COL_SCHOOL,
            t.COL_LATE,
            *(label for _, label in answers),
            *(label for _, label in indicators),
        ]
    )
    for row in table.rows:
        late = row.get("late")
        writer.writerow(
            [
                row["week"],
                row["school"],
                "" if late is None else ("Да" if late else "Нет"),
                *(_csv_value(_cell(qn, key, row.get(key))) for key, _ in answers),
                *(_csv_percent(row.get(key)) for key, _ in indicators),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_decimal(value)
    return str(value)


def _csv_percent(ratio: float | None) -> str:
    return "" if ratio is None else format_decimal(ratio * 100)
