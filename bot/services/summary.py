"""The Friday summary for the district chat and the Monday escalation to officials.

Built from the same data as /status, so what the chat reads on Friday is what an official
sees when asking.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report_data import DistrictWeek
from bot.domain.report_render import render_escalation, render_summary
from bot.domain.weeks import IsoWeek
from bot.services.reports import district_week
from storage.models import Round
from storage.repos import districts


async def summary_text(*, session: AsyncSession, round_: Round, now: datetime, late: bool) -> str:
    """`late`: the summary goes out after its planned time (e.g. the bot was down)."""
    return render_summary(await _week_of(session, round_, now), late=late)


async def escalation_text(*, session: AsyncSession, round_: Round, now: datetime) -> str:
    return render_escalation(await _week_of(session, round_, now))


async def _week_of(session: AsyncSession, round_: Round, now: datetime) -> DistrictWeek:
    district = await districts.get(session, round_.district_id)
    assert district is not None
    return await district_week(
        session=session, district=district, now=now, week=IsoWeek.parse(round_.period)
    )
