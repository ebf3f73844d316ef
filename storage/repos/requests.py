"""One-off requests: campaigns of kind "request" and their single round. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, Round

KIND = "request"
PERIOD = "once"


async def add(
    session: AsyncSession,
    *,
    district_id: int,
    title: str,
    questionnaire_id: int,
    audience: list[int] | None,
    deadline_at: datetime,
    created_by: int | None,
    now: datetime,
) -> tuple[Campaign, Round]:
    campaign = Campaign(
        district_id=district_id,
        kind=KIND,
        title=title,
        questionnaire_id=questionnaire_id,
        audience=audience,
        deadline_at=deadline_at,
        created_by=created_by,
        created_at=now,
    )
    session.add(campaign)
    await session.flush()
    round_ = Round(
        campaign_id=campaign.id,
        district_id=district_id,
        period=PERIOD,
        questionnaire_id=questionnaire_id,
        opens_at=now,
        deadline_at=deadline_at,
        skipped=False,
        created_at=now,
    )
    session.add(round_)
    await session.flush()
    return campaign, round_


async def rounds_since(
    session: AsyncSession, *, district_id: int, opened_by: datetime, ends_after: datetime
) -> list[tuple[Campaign, Round]]:
    """Request rounds of the district opened by `opened_by` with a deadline after `ends_after`."""
    params = {"district_id": district_id, "opened_by": opened_by, "ends_after": ends_after}
    return [(campaign, round_) for campaign, round_ in await session.execute(_ROUNDS_SINCE, params)]


# Every check-in step runs it: built once (building a statement costs more than running it).
_ROUNDS_SINCE = (
    select(Campaign, Round)
    .join(Round, Round.campaign_id == Campaign.id)
    .where(
        Campaign.of_kind(KIND),
        Campaign.district_id == bindparam("district_id", type_=Campaign.district_id.type),
        Campaign.closed_at.is_(None),
        Round.opens_at <= bindparam("opened_by", type_=Round.opens_at.type),
        Round.deadline_at > bindparam("ends_after", type_=Round.deadline_at.type),
    )
    .order_by(Round.deadline_at, Round.id)
)


async def upcoming_deadlines(session: AsyncSession, after: datetime) -> list[Round]:
    """Request rounds (any district) whose deadline is after `after`."""
    query = (
        select(Round)
        .join(Campaign, Campaign.id == Round.campaign_id)
        .where(Campaign.of_kind(KIND), Campaign.closed_at.is_(None), Round.deadline_at > after)
    )
    return list(await session.scalars(query))


async def campaign_of(session: AsyncSession, round_: Round) -> Campaign:
    campaign = await session.get(Campaign, round_.campaign_id)
    assert campaign is not None
    return campaign


async def recent(
    session: AsyncSession, *, district_ids: list[int], opened_by: datetime, ends_after: datetime
) -> list[tuple[Campaign, Round]]:
    """Request rounds of the districts opened by `opened_by` whose deadline is after
    `ends_after` (closed ones too: their answers still count), newest first."""
    query = (
        select(Campaign, Round)
        .join(Round, Round.campaign_id == Campaign.id)
        .where(
            Campaign.of_kind(KIND),
            Campaign.district_id.in_(district_ids),
            Round.opens_at <= opened_by,
            Round.deadline_at > ends_after,
        )
        .order_by(Round.opens_at.desc(), Round.id.desc())
    )
    return [(campaign, round_) for campaign, round_ in await session.execute(query)]
