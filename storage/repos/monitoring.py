"""Read-only figures for the metrics endpoint, computed at scrape time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, District, OutboxMessage, Response, Round, School

UNSENT = ("pending", "sending")


async def outbox_backlog(session: AsyncSession) -> dict[str, int]:
    """Messages not yet sent, by kind."""
    query = (
        select(OutboxMessage.kind, func.count())
        .where(OutboxMessage.status.in_(UNSENT))
        .group_by(OutboxMessage.kind)
    )
    return {kind: int(count) for kind, count in await session.execute(query)}


async def answered_ratios(session: AsyncSession, now: datetime) -> dict[str, float]:
    """For each district, the share of its schools that answered its latest open weekly round."""
    latest = (
        select(Round.district_id, func.max(Round.opens_at).label("opens_at"))
        .join(Campaign, Campaign.id == Round.campaign_id)
        .where(Campaign.of_kind("weekly"), Round.opens_at <= now, Round.skipped.is_(False))
        .group_by(Round.district_id)
        .subquery()
    )
    current = (
        select(Round.id, District.id, District.name)
        .join(
            latest,
            (Round.district_id == latest.c.district_id) & (Round.opens_at == latest.c.opens_at),
        )
        .join(District, District.id == Round.district_id)
    )
    rounds = {
        round_id: (district_id, name)
        for round_id, district_id, name in await session.execute(current)
    }
    if not rounds:
        return {}
    answered = dict(
        (
            await session.execute(
                select(Response.round_id, func.count())
                .where(Response.round_id.in_(list(rounds)))
                .group_by(Response.round_id)
            )
        ).all()
    )
    schools = dict(
        (
            await session.execute(
                select(School.district_id, func.count())
                .where(School.archived_at.is_(None))
                .group_by(School.district_id)
            )
        ).all()
    )
    ratios = {}
    for round_id, (district_id, name) in rounds.items():
        total = schools.get(district_id, 0)
        ratios[name] = answered.get(round_id, 0) / total if total else 0.0
    return ratios
