"""The workbook of one round, for e-mail: a weekly round is the reports' export of its
week; a one-off request has every asked school's answers on one sheet and a sheet per file
question merging all schools' rows (Школа + the columns). Text that a spreadsheet would run
as a formula is kept as text (`spreadsheet_safety`).
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.questionnaire import Question
from bot.domain.spreadsheet_safety import append_row
from bot.domain.xlsx_template import sheet_title
from bot.services.reports.export import export_table, to_xlsx
from bot.services.requests.create import asked_schools
from bot.services.rounds import round_questionnaire
from bot.texts import requests as texts
from bot.texts import schedule as schedule_texts
from storage.models import Campaign, District, Response, Round
from storage.repos import requests as requests_repo
from storage.repos import responses

if TYPE_CHECKING:
    from openpyxl import Workbook

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\r\n\t]+')


@dataclass(frozen=True)
class RoundWorkbook:
    filename: str
    data: bytes
    title: str  # the request's title, or the week as words
    is_request: bool
    district: str
    answered: int
    total: int


async def round_workbook(*, session: AsyncSession, round_id: int) -> RoundWorkbook:
    round_ = await session.get(Round, round_id)
    assert round_ is not None
    campaign: Campaign = await requests_repo.campaign_of(session, round_)
    district = await session.get(District, round_.district_id)
    assert district is not None
    questionnaire = await round_questionnaire(session, round_)
    tz = ZoneInfo(district.tz)
    is_request = campaign.kind == requests_repo.KIND
    title = campaign.title if is_request else schedule_texts.week_label(round_.period)

    answered: list[tuple[str, Response | None, dict[str, Any]]] = []
    for school in await asked_schools(session, round_):
        response = await responses.of_round(session, round_.id, school.id)
        values = await responses.answers_of(session, response.id) if response else {}
        answered.append((school.short_name or school.name, response, values))
    count = sum(1 for _, response, _ in answered if response is not None)
    if not is_request:
        table = await export_table(session=session, district=district, now=round_.opens_at, weeks=1)
        data = await asyncio.to_thread(to_xlsx, table)
        return RoundWorkbook(
            f"svodka-{round_.period}.xlsx", data, title, False, district.name, count, len(answered)
        )

    from openpyxl import Workbook  # imported on use: the bot need not carry it at start

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = texts.SHEET_ANSWERS
    plain = [q for q in questionnaire.questions if q.type != "file"]
    tables = [q for q in questionnaire.questions if q.type == "file"]
    fixed = [texts.COLUMN_SCHOOL, texts.COLUMN_SUBMITTED, texts.COLUMN_LATE]
    _header(sheet, [*fixed, *(q.label for q in plain)])
    for name, response, values in answered:
        if response is None:
            append_row(sheet, [name, texts.NOT_ANSWERED])
            continue
        submitted = f"{response.submitted_at.astimezone(tz):%d.%m.%Y %H:%M}"
        late = texts.YES if response.late else texts.NO
        cells = [_cell(values.get(q.key)) for q in plain]
        append_row(sheet, [name, submitted, late, *cells])
    _widths(sheet, 3 + len(plain))
    for question in tables:
        _table_sheet(workbook, question, answered)

    buffer = io.BytesIO()
    workbook.save(buffer)
    base = title if is_request else f"{questionnaire.title}, {title}"
    filename = f"{_UNSAFE_IN_NAME.sub(' ', base).strip()[:100]}.xlsx"
    return RoundWorkbook(
        filename=filename,
        data=buffer.getvalue(),
        title=title,
        is_request=is_request,
        district=district.name,
        answered=count,
        total=len(answered),
    )


def _table_sheet(
    workbook: Workbook,
    question: Question,
    answered: list[tuple[str, Response | None, dict[str, Any]]],
) -> None:
    sheet = workbook.create_sheet(sheet_title(question.label))
    _header(sheet, [texts.COLUMN_SCHOOL, *(c.label for c in question.columns)])
    for name, _response, values in answered:
        for row in values.get(question.key) or []:
            cells = [_cell(row.get(column.key)) for column in question.columns]
            append_row(sheet, [name, *cells])
    _widths(sheet, 1 + len(question.columns))


def _header(sheet: Any, labels: list[str]) -> None:
    append_row(sheet, labels)
    for cell in sheet[1]:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"


def _widths(sheet: Any, columns: int) -> None:
    sheet.column_dimensions["A"].width = 40
    for number in range(2, columns + 1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(number)].width = 18


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return texts.YES if value else texts.NO
    if isinstance(value, list):
        return len(value)  # a table's rows are on its own sheet; here, how many
    return value
