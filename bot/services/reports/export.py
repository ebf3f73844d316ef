"""/export and `svodka export`: a district's weeks as XLSX or CSV for forwarding up.

One long table, a row per school and week — every answer, then every indicator, «, %» —
with every school on the roster (those without an answer say «не ответила») and after each
week the district's total, weighted as /status computes it. The XLSX adds a ranking of the
last week like the table of the Sergokala resolution. CSV is for Russian Excel: UTF-8 with
BOM, ";" between fields and a decimal comma.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections import defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.indicators import IndicatorValue, compute_indicators, sum_indicators
from bot.domain.questionnaire import NUMERIC_TYPES, Questionnaire
from bot.domain.report_render import author_cell, week_label
from bot.domain.spreadsheet_safety import SafeCsvWriter
from bot.domain.week_query import WeekRange
from bot.services.reports.data import questionnaire_of
from bot.services.reports.export_rows import ExportTable, WeekTotal, columns_of, text_cell
from bot.services.reports.workbook import to_xlsx
from bot.services.rounds import calendar_of
from bot.texts import reports as t
from bot.texts.people import person_name
from storage.db import Database
from storage.models import District
from storage.repos import audit, districts
from storage.repos import reports as repo

__all__ = ["ExportTable", "Exported", "export_district", "export_table", "to_csv", "to_xlsx"]

_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


class Exported(NamedTuple):
    name: str
    data: bytes
    span: WeekRange | None  # None: no round in the weeks asked for
    weeks: int  # rounds in the file (holidays have none)


async def export_district(
    *,
    db: Database,
    district_id: int,
    now: datetime,
    weeks: int,
    fmt: str,
    actor_id: int | None,
    span: WeekRange | None = None,
) -> Exported:
    """The file of the last `weeks` rounds, or of the rounds within `span`. Read in a
    read-only transaction, so a large export never holds SQLite's write lock; then the
    export is written to the audit log."""
    async with db.reads() as session:
        district = await districts.get(session, district_id)
        assert district is not None
        table = await export_table(
            session=session, district=district, now=now, weeks=weeks, span=span
        )
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
            weeks=len(table.weeks),
            rows=len(table.rows),
        )
    covered = table.span
    return Exported(file_name(district.name, covered, fmt), data, covered, len(table.weeks))


def file_name(district: str, span: WeekRange | None, fmt: str) -> str:
    """«Сергокалинский_район_11.11-24.11.2024.xlsx»: letters, digits, «.», «-» and «_» only,
    which every file system and VK's documents take."""
    words = f"{district} {span.label() if span else ''}".replace("–", "-")
    base = _UNSAFE_IN_NAME.sub("_", words).strip("_.-")[:100] or "svodka"
    return f"{base}.{fmt}"


async def export_table(
    *,
    session: AsyncSession,
    district: District,
    now: datetime,
    weeks: int,
    span: WeekRange | None = None,
) -> ExportTable:
    upto = span.last if span else calendar_of(district).week_of(now)
    rounds = await repo.weekly_rounds(
        session,
        district_id=district.id,
        upto_period=str(upto),
        limit=span.weeks if span else weeks,
    )
    if span is not None:
        rounds = [r for r in rounds if r.period >= str(span.first)]
    qn = await questionnaire_of(session, rounds[0] if rounds else None)
    round_ids = [r.id for r in rounds]
    roster = [
        (row.school_id, row.name) for row in await repo.roster(session, district_ids=[district.id])
    ]
    # An archived school keeps its rows in the weeks it answered: the district's history.
    # Like /status, the district's total is the roster's.
    archived = {s.id: s.name for s in await districts.schools(session, district.id, archived=True)}
    counts = [q.key for q in qn.questions if q.type == "int"]
    numbers = [q.key for q in qn.questions if q.type in NUMERIC_TYPES and q.type != "int"]
    # A yes/no answer has a number too (1 or 0), but its cell shows «Да» / «Нет».
    flags = [q.key for q in qn.questions if q.type == "yes_no"]
    others = [q.key for q in qn.questions if q.type not in (*NUMERIC_TYPES, "yes_no")]
    count_keys = set(counts)  # a week's total row adds these up
    by_round: dict[int, list[repo.SchoolNumbers]] = defaultdict(list)
    for r in await repo.school_numbers(
        session, round_ids=round_ids, counts=counts, numbers=numbers, flags=flags, values=others
    ):
        by_round[r.round_id].append(r)
    rows: list[dict[str, Any]] = []
    totals = []
    for round_ in reversed(rounds):
        # A week at a time: its counts and indicator values are garbage before the next
        # week's, so the collector's passes do not walk a year of them.
        answered = {r.school_id: _answered(qn, r) for r in by_round.pop(round_.id, ())}
        counted = [answered[school_id] for school_id, _ in roster if school_id in answered]
        total = _total(qn, round_.period, counted, len(roster))
        shown = [(i, name, False) for i, name in roster]
        shown += [(i, name, True) for i, name in archived.items() if i in answered]
        for school_id, name, is_archived in shown:
            rows.append(_school_row(round_.period, name, answered.get(school_id), is_archived))
        rows.append(_total_row(total, counted, count_keys))
        totals.append(total)
    return ExportTable(qn, rows, totals)


class _Answered(NamedTuple):
    """A response as the export reads it: its numbers and its indicators."""

    response: repo.SchoolNumbers
    numbers: dict[str, int | float]  # the numbers it gave: counts as int
    values: list[IndicatorValue]


def _answered(qn: Questionnaire, response: repo.SchoolNumbers) -> _Answered:
    numbers = {key: num for key, num in response.numbers.items() if num is not None}
    return _Answered(response, numbers, compute_indicators(qn, numbers))


def _school_row(
    period: str, name: str, found: _Answered | None, is_archived: bool
) -> dict[str, Any]:
    row: dict[str, Any] = {"week": period, "school": name}
    if found is None:
        row["state"] = t.EXPORT_MISSING
        return row
    late = found.response.late
    row["state"] = (
        t.EXPORT_ARCHIVED if is_archived else t.EXPORT_LATE if late else t.EXPORT_ANSWERED
    )
    row["author"] = _author(found.response)
    row.update(found.response.values)
    row.update(found.numbers)
    row.update((value.key, value.ratio) for value in found.values)
    return row


def _author(response: repo.SchoolNumbers) -> str:
    name = person_name(response.author_first_name, response.author_last_name, response.author_vk_id)
    return author_cell(name, response.author_role, response.by_office)


def _total(qn: Questionnaire, period: str, counted: list[_Answered], schools: int) -> WeekTotal:
    """The district's week over the roster's answers: the weighted sum /status makes."""
    indicators = tuple(sum_indicators(qn, (a.values for a in counted)))
    return WeekTotal(period, len(counted), schools, indicators)


def _total_row(total: WeekTotal, counted: list[_Answered], counts: set[str]) -> dict[str, Any]:
    """The counts summed over the schools that answered (a percent answer is not summed)."""
    sums: dict[str, int] = defaultdict(int)
    for answer in counted:
        for key, number in answer.numbers.items():
            if key in counts and type(number) is int:
                sums[key] += number
    answered = t.EXPORT_ANSWERED_OF.format(answered=total.answered, total=total.schools)
    row: dict[str, Any] = {"week": total.period, "school": t.EXPORT_TOTAL, "state": answered}
    row.update(sums)
    row.update((value.key, value.ratio) for value in total.indicators)
    row["total"] = True
    return row


def to_csv(table: ExportTable) -> bytes:
    """The data sheet's rows and columns, unstyled; shares in percent (48,68)."""
    qn = table.questionnaire
    columns = columns_of(qn)
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, delimiter=";")
    writer.writerow(
        [
            t.COL_WEEK,
            t.COL_ISO_WEEK,
            t.COL_SCHOOL,
            t.COL_ANSWER,
            t.COL_AUTHOR,
            *(c.title for c in columns),
        ]
    )
    # Numbers go to the writer as they are (it puts the decimal comma in); the rest is shown
    # as the bot shows it. A comprehension per row: a year of a large district is 500 000
    # cells.
    labels: dict[str, str] = {}
    for row in table.rows:
        get = row.get
        period = row["week"]
        label = labels.get(period) or labels.setdefault(period, week_label(period))
        cells: list[Any] = [label, period, row["school"], row["state"], get("author")]
        cells += [
            value
            if (value := get(column.key)) is None or column.kind in ("count", "number")
            else value * 100
            if column.kind == "percent"
            else text_cell(column, value)
            for column in columns
        ]
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
