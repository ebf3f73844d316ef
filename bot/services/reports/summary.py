"""The Friday summary for the district chat and the Monday escalation to officials.

Built from the same data as /status, so what the chat reads on Friday is what an official
sees when asking. A one-off request's round has its own summary (`request_summary`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report_render import render_escalation, render_summary
from bot.services.reports.data import round_status
from bot.services.requests.summary import request_summary_text
from storage.models import Round
from storage.repos import requests as requests_repo


async def summary_text(*, session: AsyncSession, round_: Round, now: datetime, late: bool) -> str:
    """`late`: the summary goes out after its planned time (e.g. the bot was down)."""
    campaign = await requests_repo.campaign_of(session, round_)
    if campaign.kind == requests_repo.KIND:
        return await request_summary_text(
            session=session, round_=round_, campaign=campaign, now=now, late=late
        )
    return render_summary(await round_status(session=session, round_=round_, now=now), late=late)


async def escalation_text(*, session: AsyncSession, round_: Round, now: datetime) -> str:
    return render_escalation(await round_status(session=session, round_=round_, now=now))
