"""The Friday summary for the district chat and the Monday escalation to officials.

Built from the same data as /status, so what the chat reads on Friday is what an official
sees when asking.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report_render import render_escalation, render_summary
from bot.services.reports import round_status
from storage.models import Round


async def summary_text(*, session: AsyncSession, round_: Round, now: datetime, late: bool) -> str:
    """`late`: the summary goes out after its planned time (e.g. the bot was down)."""
    return render_summary(await round_status(session=session, round_=round_, now=now), late=late)


async def escalation_text(*, session: AsyncSession, round_: Round, now: datetime) -> str:
    return render_escalation(await round_status(session=session, round_=round_, now=now))
