"""The summary of a one-off request for the district chat, sent at its deadline, and its
`/status` at any time.

The reports' summary or status of the round (`round_status` + `render_summary` /
`render_status`), counting only the schools the request asked, titled by the request, with
the number of table rows collected when the questionnaire has file questions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report_data import DistrictWeek
from bot.domain.report_render import render_status, render_summary
from bot.services.reports.data import round_status
from bot.texts import requests as texts
from storage.models import Campaign, Round
from storage.repos import reports as reports_repo


async def request_summary_text(
    *, session: AsyncSession, round_: Round, campaign: Campaign, now: datetime, late: bool
) -> str:
    status = await _asked_status(session, round_, campaign, now)
    lines = render_summary(status, late=late).split("\n")
    deadline = texts.deadline_label(round_.deadline_at, ZoneInfo(status.tz))
    lines[0] = texts.SUMMARY_TITLE.format(
        title=campaign.title, district=status.district, deadline=deadline
    )
    return await _with_rows(session, round_, lines)


async def request_status_text(
    *, session: AsyncSession, round_: Round, campaign: Campaign, now: datetime
) -> str:
    """`/status <запрос>`: answered N of M of the asked schools, late, who has not answered
    (with heads), the deadline."""
    status = await _asked_status(session, round_, campaign, now)
    lines = render_status(status).split("\n")
    lines[0] = texts.STATUS_TITLE.format(title=campaign.title, district=status.district)
    return await _with_rows(session, round_, lines)


async def _asked_status(
    session: AsyncSession, round_: Round, campaign: Campaign, now: datetime
) -> DistrictWeek:
    status = await round_status(session=session, round_=round_, now=now)
    if campaign.audience is not None:
        asked = tuple(s for s in status.schools if s.school_id in campaign.audience)
        status = replace(status, schools=asked)
    return status


async def _with_rows(session: AsyncSession, round_: Round, lines: list[str]) -> str:
    answers = await reports_repo.answers(session, round_ids=[round_.id])
    rows = sum(len(a.value) for a in answers if isinstance(a.value, list))
    if rows and "" in lines:
        lines.insert(lines.index(""), texts.ROWS_TOTAL.format(n=rows))
    return "\n".join(lines)
