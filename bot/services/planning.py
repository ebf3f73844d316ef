"""Plan what a district's rounds must send by now: outbox rows, inserted once.

A row is planned only once its moment has come (`not_before <= now`) and while it is still
worth sending (`now < not_after`), so a tick with nothing due writes nothing, and a bot that
was down catches up on exactly what is still useful:
- prompts and reminders are valid until the deadline (a reminder after it is dropped);
- the summary and the escalation stay valid for a week; a summary planned well after its
  moment says that it is late.
A round is created when its prompt is due; later moments of a week without a round (the bot
was not running while heads could answer) plan nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rounds import RoundPlan
from bot.domain.text_split import split_message
from bot.domain.weeks import IsoWeek, weeks_to_plan
from bot.services import summary
from bot.services.rounds import DistrictCalendar, calendar_of, round_for_week
from bot.texts import schedule as texts
from storage.models import District, Round
from storage.repos import outbox as repo
from storage.repos import rounds as rounds_repo

LATE_AFTER = timedelta(minutes=15)
REPORT_VALID_FOR = timedelta(days=7)


def new_random_id() -> int:
    """63 random bits, never 0 (VK's "do not deduplicate")."""
    return secrets.randbits(63) or 1


@dataclass(frozen=True)
class _Slot:
    """One moment of a round that is due: what it is called and how long it stays valid."""

    kind: str
    tag: str  # the kind as written in natural keys: prompt, reminder1, summary, …
    at: datetime
    until: datetime


async def plan_district(*, session: AsyncSession, district: District, now: datetime) -> int:
    """Insert the district's due outbox rows; return how many were new."""
    calendar = calendar_of(district)
    inserted = 0
    for week in weeks_to_plan(now, calendar.tz):
        plan = calendar.plan(week)
        if plan is None:
            continue  # a holiday week: no prompt, no reminders, no summary
        slots = [slot for slot in _slots(plan) if slot.at <= now < slot.until]
        if not slots:
            continue
        round_ = await _round(session, district, week, plan, now)
        if round_ is None or round_.skipped:
            continue
        for slot in slots:
            rows = await _rows(session, district, calendar, round_, slot, now)
            inserted += await repo.insert(session, rows)
    return inserted


def _slots(plan: RoundPlan) -> list[_Slot]:
    report_until = {
        "summary": plan.summary_at + REPORT_VALID_FOR,
        "escalation": plan.escalation_at + REPORT_VALID_FOR,
    }
    slots = [_Slot("prompt", "prompt", plan.prompt_at, plan.deadline_at)]
    slots += [
        _Slot("reminder", f"reminder{number}", at, plan.deadline_at)
        for number, at in enumerate(plan.reminders_at, start=1)
    ]
    slots.append(_Slot("summary", "summary", plan.summary_at, report_until["summary"]))
    slots.append(_Slot("escalation", "escalation", plan.escalation_at, report_until["escalation"]))
    return slots


async def _round(
    session: AsyncSession, district: District, week: IsoWeek, plan: RoundPlan, now: datetime
) -> Round | None:
    if plan.prompt_at <= now < plan.deadline_at:
        return await round_for_week(session, district, week, now)
    campaign = await rounds_repo.weekly_campaign(session, district.id)
    return await rounds_repo.round_of(session, campaign.id, str(week)) if campaign else None


async def _rows(
    session: AsyncSession,
    district: District,
    calendar: DistrictCalendar,
    round_: Round,
    slot: _Slot,
    now: datetime,
) -> list[dict[str, Any]]:
    """The slot's rows whose natural keys are not in the outbox yet."""
    if slot.kind in repo.SCHOOL_KINDS:
        candidates = await _staff_rows(session, district, calendar, round_, slot)
    elif slot.kind == "summary":
        peers = await repo.district_chats(session, district.id)
        candidates = [(f"r{round_.id}:summary:c{peer}", peer, None) for peer in peers]
    else:
        people = await repo.district_officials(session, district.id)
        candidates = [
            (f"r{round_.id}:escalation:o{person.id}", person.vk_id, None) for person in people
        ]
    planned = await repo.existing_keys(session, [key for key, _, _ in candidates])
    candidates = [c for c in candidates if c[0] not in planned]
    if not candidates:
        return []
    shared_text = await _shared_text(session, round_, slot, now)
    if shared_text == "":
        return []  # an escalation when everyone answered
    # Identical texts share a random_id, so the sender may group them into one peer_ids call
    # and any regrouping on a resend is still deduplicated per peer by VK.
    shared_random_id = new_random_id()
    rows = []
    for key, peer_id, personal in candidates:
        text, keyboard, school_id = personal or (shared_text, None, None)
        rows.append(
            {
                "natural_key": key,
                "kind": slot.kind,
                "round_id": round_.id,
                "school_id": school_id,
                "peer_id": peer_id,
                "payload": {"texts": split_message(text or ""), "keyboard": keyboard},
                "random_id": new_random_id() if personal else shared_random_id,
                "status": repo.PENDING,
                "not_before": slot.at,
                "not_after": slot.until,
                "attempts": 0,
                "created_at": now,
            }
        )
    return rows


async def _shared_text(
    session: AsyncSession, round_: Round, slot: _Slot, now: datetime
) -> str | None:
    if slot.kind == "summary":
        late = now - slot.at > LATE_AFTER
        return await summary.summary_text(session=session, round_=round_, now=now, late=late)
    if slot.kind == "escalation":
        return await summary.escalation_text(session=session, round_=round_, now=now)
    return None


async def _staff_rows(
    session: AsyncSession,
    district: District,
    calendar: DistrictCalendar,
    round_: Round,
    slot: _Slot,
) -> list[tuple[str, int, tuple[str, str, int]]]:
    """Heads and deputies of the schools that have not answered, each with their own text."""
    answered = await repo.answered_schools(session, round_.id)
    template: Callable[..., str] = (
        texts.PROMPT if slot.kind == "prompt" else texts.REMINDER
    ).format
    week = texts.week_label(round_.period)
    deadline = texts.deadline_label(round_.deadline_at, calendar.tz)
    keyboard = texts.fill_keyboard()
    result = []
    for school, _role, person in await repo.staff_of_district(session, district.id):
        if school.id in answered:
            continue
        name = person.first_name or texts.NO_NAME
        text = template(
            name=name, week=week, school=school.short_name or school.name, deadline=deadline
        )
        key = f"r{round_.id}:{slot.tag}:s{school.id}:p{person.id}"
        result.append((key, person.vk_id, (text[0].upper() + text[1:], keyboard, school.id)))
    return result
