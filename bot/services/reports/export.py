"""/export and `svodka export`: a district's weeks as XLSX or CSV for forwarding up.

One long table (week × school: every answer, then every indicator) plus, in XLSX, a
sheet with the district's indicators per week. CSV is for Russian Excel: UTF-8 with BOM,
";" between fields and a decimal comma.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import format_answer
from bot.domain.indicators import IndicatorValue, compute_indicators, sum_indicators
from bot.domain.questionnaire import NUMERIC_TYPES, Questionnaire
from bot.domain.report_data import WeekPoint, as_count
from bot.domain.spreadsheet_safety import SafeCsvWriter, append_row
from bot.services.reports.data import questionnaire_of
from bot.services.rounds import calendar_of
from bot.texts import reports as t
from storage.db import Database
from storage.models import District
from storage.repos import audit, districts
from storage.repos import reports as repo

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

PERCENT_FORMAT = "0.00%"
MAX_WIDTH = 45


@dataclass(frozen=True)
class ExportTable:
    questionnaire: Questionnaire
    rows: list[dict[str, Any]]  # "week", "school", "late", answer keys, indicator keys
    weeks: list[WeekPoint]  # oldest first


async def export_district(
    *,
    db: Database,
    district_id: int,
    now: datetime,
    weeks: int,
    fmt: str,
    actor_id: int | None,
) -> tuple[str, bytes]:
    """(file name, content). Read in a read-only transaction, so a large export never holds
    SQLite's write lock; then the export is written to the audit log."""
    async with db.reads() as session:
        district = await districts.get(session, district_id)
        assert district is not None
        table = await export_table(session=session, district=district, now=now, weeks=weeks)
    # Writing a big file is seconds of CPU: off the event loop, so the bot keeps answering.
    data = await asyncio.to_thread(to_xlsx if fmt == "xlsx" else to_csv, table)
    async with db.sessions.begin() as session:
        audit.record(
            session,
            action="export",
            at=now,
            actor_id=actor_id,
            district_id=district_id,
            format=fmt,
            weeks=weeks,
            rows=len(table.rows),
        )
    return f"svodka-{calendar_of(district).week_of(now)}.{fmt}", data


async def export_table(
    *, session: AsyncSession, district: District, now: datetime, weeks: int
) -> ExportTable:
    upto = calendar_of(district).week_of(now)
    rounds = await repo.weekly_rounds(
        session, district_id=district.id, upto_period=str(upto), limit=weeks
    )
    qn = await questionnaire_of(session, rounds[0] if rounds else None)
    round_ids = [r.id for r in rounds]
    roster = [
        (row.school_id, row.name) for row in await repo.roster(session, district_ids=[district.id])
    ]
    # An archived school keeps its rows in the weeks it answered: the district's history.
    archived = {s.id: s.name for s in await districts.schools(session, district.id, archived=True)}
    numeric = [q.key for q in qn.questions if q.type in NUMERIC_TYPES]
    # The other answers as stored: a yes/no answer has a number too (1 or 0), but its cell
    # shows «Да» / «Нет».
    others = [q.key for q in qn.questions if q.type not in NUMERIC_TYPES]
    by_round: dict[int, list[repo.SchoolNumbers]] = defaultdict(list)
    for r in await repo.school_numbers(session, round_ids=round_ids, keys=numeric, values=others):
        by_round[r.round_id].append(r)
    rows: list[dict[str, Any]] = []
    points = []
    for round_ in reversed(rounds):
        # A week at a time: its counts and indicator values are garbage before the next
        # week's, so the collector's passes do not walk a year of them.
        answered = {r.school_id: _answered(qn, r) for r in by_round.pop(round_.id, ())}
        points.append(_week_point(qn, round_.period, list(answered.values())))
        shown = roster + [(i, name) for i, name in archived.items() if i in answered]
        for school_id, name in shown:
            row: dict[str, Any] = {"week": round_.period, "school": name}
            found = answered.get(school_id)
            if found is not None:
                row["late"] = found.response.late
                row.update(found.response.values)
                row.update(found.numbers)
                row.update((value.key, value.ratio) for value in found.values)
            rows.append(row)
    return ExportTable(qn, rows, points)


class _Answered(NamedTuple):
    """A response as the export reads it: its numbers and its indicators."""

    response: repo.SchoolNumbers
    numbers: dict[str, int | float]  # the numbers it gave, whole ones as int (counts)
    values: list[IndicatorValue]


def _answered(qn: Questionnaire, response: repo.SchoolNumbers) -> _Answered:
    numbers: dict[str, int | float] = {
        key: num if (count := as_count(num)) is None else count
        for key, num in response.numbers.items()
        if num is not None
    }
    # compute_indicators counts ints only: a fractional number counts as none, as it must.
    return _Answered(response, numbers, compute_indicators(qn, numbers))


def _week_point(qn: Questionnaire, period: str, answers: list[_Answered]) -> WeekPoint:
    """The district's week from every response read for the rows (archived schools' too):
    the weighted rule district_trend has the database apply, over the same responses."""
    keys = {key for ind in qn.indicators for key in (ind.numerator, ind.denominator)}
    answered = sum(1 for a in answers if not keys.isdisjoint(a.numbers))
    indicators = tuple(sum_indicators(qn, (a.values for a in answers)))
    return WeekPoint(period=period, indicators=indicators, answered=answered)


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
    """Write-only mode streams the rows: a year of a large district stays fast and small."""
    from openpyxl import Workbook  # imported on use: the bot need not carry it at start

    qn = table.questionnaire
    workbook = Workbook(write_only=True)
    answers = _answer_columns(qn)
    indicators = [(ind.key, ind.label) for ind in qn.indicators]
    data = workbook.create_sheet(t.SHEET_DATA)
    header = [t.COL_WEEK, t.COL_SCHOOL, t.COL_LATE, *(label for _, label in answers)]
    _start(data, [*header, *(label for _, label in indicators)])
    for row in table.rows:
        late = row.get("late")
        append_row(
            data,
            [
                row["week"],
                row["school"],
                None if late is None else ("Да" if late else "Нет"),
                *(_cell(qn, key, row.get(key)) for key, _ in answers),
                *(_percent(data, row.get(key)) for key, _ in indicators),
            ],
        )
    summary = workbook.create_sheet(t.SHEET_SUMMARY)
    _start(summary, [t.COL_WEEK, t.COL_ANSWERED, *(label for _, label in indicators)])
    for point in table.weeks:
        ratios = [_percent(summary, v.ratio) for v in point.indicators]
        append_row(summary, [point.period, point.answered, *ratios])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _start(sheet: Any, header: list[str]) -> None:
    """Frozen header and first two columns, widths from the titles (set before any row)."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "C2"
    for index, title in enumerate(header, start=1):
        width = MAX_WIDTH if index == 2 else min(MAX_WIDTH, max(10, len(title) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    append_row(sheet, header)


def _percent(sheet: Any, ratio: float | None) -> Cell | None:
    from openpyxl.cell import WriteOnlyCell

    if ratio is None:
        return None
    cell = WriteOnlyCell(sheet, value=ratio)
    cell.number_format = PERCENT_FORMAT
    return cell


def to_csv(table: ExportTable) -> bytes:
    qn = table.questionnaire
    answers = _answer_columns(qn)
    indicators = [(ind.key, f"{ind.label}, %") for ind in qn.indicators]
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, delimiter=";")
    writer.writerow(
        [
            t.COL_WEEK,
            t.COL_SCHOOL,
            t.COL_LATE,
            *(label for _, label in answers),
            *(label for _, label in indicators),
        ]
    )
    # Numbers go to the writer as they are (it puts the decimal comma in); the rest is shown
    # as the bot shows it («Да» / «Нет», text).
    columns = [
        (q.key, None if q.type in NUMERIC_TYPES else functools.partial(format_answer, q))
        for q in (qn.question(key) for key, _ in answers)
    ]
    indicator_keys = [key for key, _ in indicators]
    for row in table.rows:
        get = row.get
        late = get("late")
        cells = [row["week"], row["school"], None if late is None else ("Да" if late else "Нет")]
        # Comprehensions and a call per text cell only: a year of a large district is
        # 500 000 cells.
        cells += [
            value if (value := get(key)) is None or show is None else show(value)
            for key, show in columns
        ]
        cells += [None if (ratio := get(key)) is None else ratio * 100 for key in indicator_keys]
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
