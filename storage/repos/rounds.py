"""Questionnaire versions, campaigns and their rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, District, Questionnaire, Round, School
from storage.repos.requests import KIND as REQUEST
from storage.upsert import insert_ignore


async def questionnaire_version(
    session: AsyncSession, *, slug: str, version: int, spec: dict[str, Any], now: datetime
) -> Questionnaire:
    await insert_ignore(
        session,
        Questionnaire,
        [{"slug": slug, "version": version, "spec": spec, "created_at": now}],
        ["slug", "version"],
    )
    query = select(Questionnaire).where(
        Questionnaire.slug == slug, Questionnaire.version == version
    )
    return (await session.scalars(query)).one()


async def questionnaire(session: AsyncSession, questionnaire_id: int) -> Questionnaire | None:
    return await session.get(Questionnaire, questionnaire_id)


async def weekly_campaign(session: AsyncSession, district_id: int) -> Campaign | None:
    query = (
        select(Campaign)
        .where(Campaign.district_id == district_id, Campaign.of_kind("weekly"))
        .order_by(Campaign.id)
        .limit(1)
    )
    return await session.scalar(query)


async def add_weekly_campaign(
    session: AsyncSession, *, district_id: int, title: str, questionnaire_id: int, now: datetime
) -> Campaign:
    """Get-or-create the district's weekly campaign: safe when two instances race."""
    values = {
        "district_id": district_id,
        "kind": "weekly",
        "title": title,
        "questionnaire_id": questionnaire_id,
        "created_at": now,
    }
    # The index's predicate as a literal: with a bound parameter PostgreSQL cannot match the
    # partial index once it plans the statement generically (after five runs on a connection).
    await insert_ignore(
        session, Campaign, [values], ["district_id"], conflict_where=text("kind = 'weekly'")
    )
    found = await weekly_campaign(session, district_id)
    assert found is not None
    return found


async def weekly_round_of(session: AsyncSession, district_id: int, period: str) -> Round | None:
    """The district's weekly round of `period` (from its first weekly campaign) if it exists.

    The campaign is loaded with it: the dialog step asks for it next (`campaign_of`), and the
    session's identity map then answers without a query."""
    params = {"district_id": district_id, "period": period}
    row = (await session.execute(_WEEKLY_ROUND_OF, params)).first()
    if row is None:
        return None
    # The identity map holds objects weakly: keep the campaign for the session's lifetime.
    session.info.setdefault("loaded_with_rounds", []).append(row[1])
    return row[0]


# Every check-in step runs it: built once (building a statement costs more than running it).
_WEEKLY_ROUND_OF = (
    select(Round, Campaign)
    .join(Campaign, Campaign.id == Round.campaign_id)
    .where(
        Campaign.district_id == bindparam("district_id", type_=Campaign.district_id.type),
        Campaign.of_kind("weekly"),
        Round.period == bindparam("period", type_=Round.period.type),
    )
    .order_by(Campaign.id)
    .limit(1)
)


async def school_with_open_rounds(
    session: AsyncSession,
    *,
    school_id: int,
    periods: Sequence[str],
    opened_by: datetime,
    ends_after: datetime,
) -> list[tuple[School, District, Campaign | None, Round | None]]:
    """The school and its district, each with one of the district's weekly rounds of
    `periods` or its request rounds opened by `opened_by` with a deadline after
    `ends_after`, by deadline: one query for what a check-in step may answer. No rows: no
    such school; a row without a campaign: a round that is not open (drop it)."""
    params = {"school_id": school_id, "periods": list(periods), "opened_by": opened_by,
              "ends_after": ends_after}  # fmt: skip
    found = await session.execute(_SCHOOL_WITH_OPEN_ROUNDS, params)
    return [(school, district, campaign, round_) for school, district, campaign, round_ in found]


def _school_with_open_rounds() -> Select[School, District, Campaign, Round]:
    """The district's rounds are found by the rounds' own index (district, period); a round
    whose campaign does not match keeps no campaign, and the caller drops it. (Joining the
    campaigns first would make a row of every request the district ever sent; joining
    campaigns to rounds inside the outer join makes SQLite read every round there is.)"""
    periods: BindParameter[str] = bindparam("periods", expanding=True)
    opened_by = bindparam("opened_by", type_=Round.opens_at.type)
    ends_after = bindparam("ends_after", type_=Round.deadline_at.type)
    is_open = and_(Round.opens_at <= opened_by, Round.deadline_at > ends_after)
    return (
        select(School, District, Campaign, Round)
        .join(District, District.id == School.district_id)
        .outerjoin(
            Round, and_(Round.district_id == District.id, or_(Round.period.in_(periods), is_open))
        )
        .outerjoin(
            Campaign,
            and_(
                Campaign.id == Round.campaign_id,
                Campaign.district_id == District.id,
                or_(
                    and_(Campaign.of_kind("weekly"), Round.period.in_(periods)),
                    and_(Campaign.of_kind(REQUEST), Campaign.closed_at.is_(None), is_open),
                ),
            ),
        )
        .where(School.id == bindparam("school_id", type_=School.id.type))
        .order_by(Round.deadline_at, Round.id)
    )


# Built once: every check-in step runs it.
_SCHOOL_WITH_OPEN_ROUNDS = _school_with_open_rounds()


async def round_of(session: AsyncSession, campaign_id: int, period: str) -> Round | None:
    query = select(Round).where(Round.campaign_id == campaign_id, Round.period == period)
    return await session.scalar(query)


async def add_round(session: AsyncSession, **values: Any) -> Round:
    """Get-or-create on (campaign, period): safe when two instances race."""
    await insert_ignore(session, Round, [values], ["campaign_id", "period"])
    found = await round_of(session, values["campaign_id"], values["period"])
    assert found is not None
    return found
