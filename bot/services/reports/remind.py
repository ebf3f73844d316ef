"""/remind: an official asks for an extra reminder to the schools that have not answered.

The reminders are outbox rows; the scheduler's sender delivers them like any other
message (rate limits, retries, a pre-assigned random_id). Once per hour per district.

With them goes a report row to the chat where /remind was typed, due `REPORT_AFTER` later:
by then the reminders have gone out at a tick (every 30 s), and the report, written when it
is sent, names the schools none of whose reminders could be delivered — within a minute of
the command. When every reminder went out, the report says nothing and is cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.formatting import plural
from bot.domain.outbox import Payload, RemindReport, UnreadablePayload, VkMessage
from bot.domain.report_render import moment_label
from bot.domain.weeks import IsoWeek
from bot.services.outbox.rows import new_row
from bot.services.reports.data import district_week
from bot.services.rounds import current_round
from bot.texts import reports as t
from bot.texts import schedule as schedule_texts
from storage.models import District, OutboxMessage
from storage.repos import audit
from storage.repos import outbox as outbox_repo
from storage.repos import reports as repo

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
KIND = "reminder_manual"
REPORT_KIND = "remind_report"
REPORT_AFTER = timedelta(seconds=30)
REPORT_VALID_FOR = timedelta(hours=1)
UNSENT = frozenset({outbox_repo.PENDING, outbox_repo.SENDING})


@dataclass(frozen=True)
class RemindResult:
    queued: tuple[str, ...] = ()  # schools with at least one reminder queued
    unreachable: tuple[str, ...] = ()  # schools nobody can be written to
    next_allowed_at: datetime | None = None  # set when refused by the hourly limit
    no_round: bool = False


async def remind(
    *,
    session: AsyncSession,
    district: District,
    now: datetime,
    actor_id: int | None,
    peer_id: int,
) -> RemindResult:
    """Queue the reminders, and the report to `peer_id` (where /remind was typed)."""
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
    # The hourly window makes (round, hour) name one /remind.
    batch = f"r{round_.id}:{now:%Y%m%dT%H}"
    # After the deadline a late answer is still welcome until the week ends.
    week_end = IsoWeek.parse(round_.period).end_utc(ZoneInfo(district.tz))
    not_after = round_.deadline_at if round_.deadline_at > now else week_end
    reminders, reached = [], set()
    for school_id, vk_id, reachable in await repo.school_staff_recipients(
        session, school_ids=list(missing)
    ):
        if not reachable:
            continue
        reached.add(school_id)
        text = t.REMIND_TEXT.format(school=missing[school_id], deadline=deadline)
        reminders.append(
            new_row(
                kind=KIND,
                payload=VkMessage.of(text),
                natural_key=f"{KIND}:{batch}:s{school_id}:p{vk_id}",
                round_id=round_.id,
                school_id=school_id,
                peer_id=vk_id,
                not_before=now,
                not_after=not_after,
                now=now,
            )
        )
    report = new_row(
        kind=REPORT_KIND,
        payload=RemindReport(batch=batch),
        natural_key=f"{REPORT_KIND}:{batch}",
        round_id=round_.id,
        peer_id=peer_id,
        not_before=now + REPORT_AFTER,
        not_after=now + REPORT_VALID_FOR,
        now=now,
    )
    await outbox_repo.insert(session, [*reminders, report] if reminders else [])
    audit.record(
        session,
        action="reports.remind",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        round_id=round_.id,
        messages=len(reminders),
    )
    logger.info("manual reminder queued: district=%s messages=%d", district.id, len(reminders))
    return RemindResult(
        queued=tuple(missing[s] for s in missing if s in reached),
        unreachable=tuple(missing[s] for s in missing if s not in reached),
    )


async def report_message(
    session: AsyncSession, *, row: OutboxMessage, payload: Payload
) -> VkMessage | None:
    """The report of a /remind, as its reminders stand now; None if all were delivered."""
    if not isinstance(payload, RemindReport) or row.round_id is None:
        raise UnreadablePayload("not the report of a /remind")
    fates = await outbox_repo.fates(
        session, round_id=row.round_id, key_prefix=f"{KIND}:{payload.batch}:"
    )
    failed, pending = _not_reached(fates)
    lines = []
    if failed:
        count = len(failed)
        lines.append(
            t.REMIND_REPORT_TITLE.format(count=count, schools=plural(count, t.SCHOOLS_GEN))
        )
        lines += [
            t.REMIND_REPORT_LINE.format(school=name, reason=_reason(code)) for name, code in failed
        ]
        lines.append(t.REMIND_REPORT_HINT)
    if pending:
        lines.append(t.REMIND_REPORT_PENDING.format(schools="; ".join(pending)))
    return VkMessage.of("\n".join(lines)) if lines else None


def _not_reached(
    fates: Iterable[tuple[str, str, int | None]],
) -> tuple[list[tuple[str, int | None]], list[str]]:
    """Schools none of whose reminders went out: those given up on (with a VK error code
    of theirs), and those still being tried."""
    by_school: dict[str, list[tuple[str, int | None]]] = {}
    for name, status, code in fates:
        by_school.setdefault(name, []).append((status, code))
    failed, pending = [], []
    for name, rows in by_school.items():
        statuses = {status for status, _ in rows}
        if outbox_repo.SENT in statuses:
            continue
        if statuses & UNSENT:
            pending.append(name)
        else:
            failed.append((name, next((code for _, code in rows if code), None)))
    return failed, pending


def _reason(code: int | None) -> str:
    return schedule_texts.UNDELIVERED_REASONS.get(code or 0, t.REMIND_REPORT_OTHER)
