"""Responses (the current answers of a school in a round), their answers and revisions.

`answers.num` is the numeric copy of a value for SQL sums: counts and percents as they
are, «Да»/«Нет» as 1/0 (so SUM counts the schools that said yes), text as NULL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Response, ResponseRevision, Round
from storage.upsert import insert_ignore


async def of_round(session: AsyncSession, round_id: int, school_id: int) -> Response | None:
    query = select(Response).where(Response.round_id == round_id, Response.school_id == school_id)
    return await session.scalar(query)


async def answers_of(session: AsyncSession, response_id: int) -> dict[str, Any]:
    query = select(Answer.key, Answer.value).where(Answer.response_id == response_id)
    return {key: value for key, value in await session.execute(query)}


async def latest_before(session: AsyncSession, round_: Round, school_id: int) -> Response | None:
    """The school's response in the latest earlier round of the same campaign."""
    query = (
        select(Response)
        .join(Round, Round.id == Response.round_id)
        .where(
            Response.school_id == school_id,
            Round.campaign_id == round_.campaign_id,
            Round.opens_at < round_.opens_at,
        )
        .order_by(Round.opens_at.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def claim(
    session: AsyncSession,
    *,
    round_id: int,
    school_id: int,
    author_id: int,
    late: bool,
    now: datetime,
) -> tuple[Response, bool]:
    """The response row of (round, school), locked for this transaction; True if just created.

    The insert is ON CONFLICT DO NOTHING and the read locks the row (FOR UPDATE on
    PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two submissions
    at once never make two rows and never read the same revision number.
    """
    created = await insert_ignore(
        session,
        Response,
        [
            {
                "round_id": round_id,
                "school_id": school_id,
                "author_id": author_id,
                "revision": 1,
                "late": late,
                "submitted_at": now,
            }
        ],
        ["round_id", "school_id"],
    )
    query = (
        select(Response)
        .where(Response.round_id == round_id, Response.school_id == school_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(query)).one(), created == 1


async def replace_answers(
    session: AsyncSession, response_id: int, answers: Mapping[str, Any]
) -> None:
    await session.execute(delete(Answer).where(Answer.response_id == response_id))
    session.add_all(
        Answer(response_id=response_id, key=key, value=value, num=numeric(value))
        for key, value in answers.items()
    )


def add_revision(
    session: AsyncSession, response: Response, answers: Mapping[str, Any]
) -> ResponseRevision:
    revision = ResponseRevision(
        response_id=response.id,
        revision=response.revision,
        author_id=response.author_id,
        answers=dict(answers),
        late=response.late,
        submitted_at=response.submitted_at,
    )
    session.add(revision)
    return revision


def numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None
