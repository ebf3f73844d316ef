"""/remind: an official asks for an extra reminder to the schools that have not answered.

The reminders are outbox rows; the scheduler's sender delivers them like any other
message (rate limits, retries, a pre-assigned random_id). Once per hour per district.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.report_render import moment_label
from bot.domain.weeks import IsoWeek
from bot.services.reports import district_week
from bot.services.rounds import current_round
from bot.texts import reports as t
from storage.models import District, OutboxMessage
from storage.repos import audit
from storage.repos import reports as repo
from storage.upsert import insert_ignore

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
KIND = "reminder_manual"


@dataclass(frozen=True)
class RemindResult:
    queued: tuple[str, ...] = ()  # schools with at least one reminder queued
    unreachable: tuple[str, ...] = ()  # schools nobody can be written to
    next_allowed_at: datetime | None = None  # set when refused by the hourly limit
    no_round: bool = False


async def remind(
    *, session: AsyncSession, district: District, now: datetime, actor_id: int | None
) -> RemindResult:
    round_ = await current_round(session, district, now)
    if round_ is None:
        return RemindResult(no_round=True)
    week = await district_week(session=session, district=district, now=now)
    missing = {s.school_id: s.name for s in week.missing}
    if not missing:
        return RemindResult()
    free_at = await repo.take_window(session, key=f"remind:{district.id}", now=now, window=WINDOW)
    if free_at is not None:
        return RemindResult(next_allowed_at=free_at)
    deadline = moment_label(round_.deadline_at, district.tz)
    hour = now.strftime("%Y%m%dT%H")
    # After the deadline a late answer is still welcome until the week ends.
    week_end = IsoWeek.parse(round_.period).end_utc(ZoneInfo(district.tz))
    not_after = round_.deadline_at if round_.deadline_at > now else week_end
    rows, reached = [], set()
    for school_id, vk_id, reachable in await repo.school_staff_recipients(
        session, school_ids=list(missing)
    ):
        if not reachable:
            continue
        reached.add(school_id)
        text = t.REMIND_TEXT.format(school=missing[school_id], deadline=deadline)
        rows.append(
            {
                "natural_key": f"{KIND}:{round_.id}:{school_id}:{vk_id}:{hour}",
                "kind": KIND,
                "round_id": round_.id,
                "school_id": school_id,
                "peer_id": vk_id,
                "payload": {"text": text, "keyboard": None},
                "random_id": secrets.randbits(63),
                "status": "pending",
                "not_before": now,
                "not_after": not_after,
                "attempts": 0,
                "created_at": now,
            }
        )
    await insert_ignore(session, OutboxMessage, rows, ["natural_key"])
    audit.record(
        session,
        action="reports.remind",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        round_id=round_.id,
        messages=len(rows),
    )
    logger.info("manual reminder queued: district=%s messages=%d", district.id, len(rows))
    return RemindResult(
        queued=tuple(missing[s] for s in missing if s in reached),
        unreachable=tuple(missing[s] for s in missing if s not in reached),
    )
