"""Plan what a district's rounds must send by now: outbox rows, inserted once.

A row is planned only once its moment has come (`not_before <= now`) and while it is still
worth sending (`now < not_after`), so a tick with nothing due writes nothing, and a bot that
was down catches up on exactly what is still useful:
- prompts and reminders are valid until the deadline (a reminder after it is dropped);
- the summary and the escalation stay valid for a week; a summary planned well after its
  moment says that it is late.
A round is created when its prompt is due; later moments of a week without a round (the bot
was not running while heads could answer) plan nothing.

One-off requests (campaigns of kind "request") plan the same kinds of rows from their own
moments (`bot.domain.request_rounds`): the notice (a prompt) at creation, reminders before
the deadline, the summary at the deadline. Either kind of round e-mails its workbook to the
district's addresses with the summary (kind "email", built when sent) — only when the bot
can send mail (`mail=True`: SMTP_HOST is set); otherwise no e-mail row is planned at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.outbox import Email, VkMessage
from bot.domain.request_rounds import RequestPlan, plan_request
from bot.domain.rounds import RoundPlan
from bot.domain.weeks import IsoWeek, weeks_to_plan
from bot.services.outbox.rows import new_random_id, new_row
from bot.services.reports import summary
from bot.services.rounds import DistrictCalendar, calendar_of, round_for_week
from bot.texts import requests as request_texts
from bot.texts import schedule as texts
from storage.models import Campaign, District, Round, School
from storage.repos import districts as districts_repo
from storage.repos import outbox as repo
from storage.repos import requests as requests_repo
from storage.repos import rounds as rounds_repo

LATE_AFTER = timedelta(minutes=15)
REPORT_VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class _Slot:
    """One moment of a round that is due: what it is called and how long it stays valid."""

    kind: str
    tag: str  # the kind as written in natural keys: prompt, reminder1, summary, …
    at: datetime
    until: datetime


async def plan_district(
    *, session: AsyncSession, district: District, now: datetime, mail: bool = False
) -> int:
    """Insert the district's due outbox rows; return how many were new. E-mail rows only
    with `mail` (SMTP is configured)."""
    calendar = calendar_of(district)
    inserted = 0
    for week in weeks_to_plan(now, calendar.tz):
        plan = calendar.plan(week)
        if plan is None:
            continue  # a holiday week: no prompt, no reminders, no summary
        slots = [slot for slot in _slots(plan) if _due(slot, now, mail)]
        if not slots:
            continue
        round_ = await _round(session, district, week, plan, now)
        if round_ is None or round_.skipped:
            continue
        letters = _weekly_letters(round_, calendar)
        for slot in slots:
            rows = await _rows(session, district, round_, slot, letters, now)
            inserted += await repo.insert(session, rows)
    return inserted + await _plan_requests(session, district, calendar, now, mail)


def _due(slot: _Slot, now: datetime, mail: bool) -> bool:
    return slot.at <= now < slot.until and (mail or slot.kind != "email")


async def _plan_requests(
    session: AsyncSession, district: District, calendar: DistrictCalendar, now: datetime, mail: bool
) -> int:
    inserted = 0
    found = await requests_repo.rounds_since(
        session, district_id=district.id, opened_by=now, ends_after=now - REPORT_VALID_FOR
    )
    for campaign, round_ in found:
        plan = _request_plan(round_, calendar)
        slots = [slot for slot in _request_slots(plan) if _due(slot, now, mail)]
        letters = _request_letters(campaign, round_, calendar)
        for slot in slots:
            rows = await _rows(session, district, round_, slot, letters, now)
            inserted += await repo.insert(session, rows)
    return inserted


def _request_plan(round_: Round, calendar: DistrictCalendar) -> RequestPlan:
    return plan_request(
        opens_at=round_.opens_at,
        deadline_at=round_.deadline_at,
        tz=calendar.tz,
        calendar=calendar.days,
    )


async def next_request_moment(*, session: AsyncSession, after: datetime) -> datetime | None:
    """The first moment of any open request strictly after `after` (for a fake clock)."""
    moments = []
    for round_ in await requests_repo.upcoming_deadlines(session, after):
        district = await districts_repo.get(session, round_.district_id)
        assert district is not None
        plan = _request_plan(round_, calendar_of(district))
        moments += [at for at in plan.moments() if at > after]
    return min(moments, default=None)


@dataclass(frozen=True)
class _Letters:
    """What a round's school-addressed rows say, and to which schools they go."""

    audience: frozenset[int] | None  # None: every school of the district
    write: Callable[[str, School, str], str]  # (slot kind, school, name) -> text
    keyboard: str


def _weekly_letters(round_: Round, calendar: DistrictCalendar) -> _Letters:
    week = texts.week_label(round_.period)
    deadline = texts.deadline_label(round_.deadline_at, calendar.tz)

    def write(kind: str, school: School, name: str) -> str:
        template = texts.PROMPT if kind == "prompt" else texts.REMINDER
        return template.format(
            name=name, week=week, school=school.short_name or school.name, deadline=deadline
        )

    return _Letters(None, write, texts.fill_keyboard())


def _request_letters(campaign: Campaign, round_: Round, calendar: DistrictCalendar) -> _Letters:
    deadline = request_texts.deadline_words(round_.deadline_at, calendar.tz)

    def write(kind: str, school: School, name: str) -> str:
        template = request_texts.NOTICE if kind == "prompt" else request_texts.REMINDER
        return template.format(
            name=name,
            title=campaign.title,
            school=school.short_name or school.name,
            deadline=deadline,
        )

    audience = None if campaign.audience is None else frozenset(campaign.audience)
    return _Letters(audience, write, request_texts.fill_keyboard(round_.id))


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
    slots.append(_Slot("email", "email", plan.summary_at, report_until["summary"]))
    slots.append(_Slot("escalation", "escalation", plan.escalation_at, report_until["escalation"]))
    return slots


def _request_slots(plan: RequestPlan) -> list[_Slot]:
    report_until = plan.summary_at + REPORT_VALID_FOR
    return [
        _Slot("prompt", "prompt", plan.prompt_at, plan.deadline_at),
        *(
            _Slot("reminder", f"reminder{number}", at, plan.deadline_at)
            for number, at in enumerate(plan.reminders_at, start=1)
        ),
        _Slot("summary", "summary", plan.summary_at, report_until),
        _Slot("email", "email", plan.summary_at, report_until),
    ]


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
    round_: Round,
    slot: _Slot,
    letters: _Letters,
    now: datetime,
) -> list[dict[str, Any]]:
    """The slot's rows whose natural keys are not in the outbox yet."""
    if slot.kind == "email":
        return await _email_rows(session, district, round_, slot, now)
    # (natural key, peer, the text, keyboard and school of a personal message)
    candidates: Sequence[tuple[str, int | None, tuple[str, str, int] | None]]
    if slot.kind in repo.SCHOOL_KINDS:
        candidates = await _staff_rows(session, district, round_, slot, letters)
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
            new_row(
                kind=slot.kind,
                payload=VkMessage.of(text or "", keyboard),
                natural_key=key,
                round_id=round_.id,
                school_id=school_id,
                peer_id=peer_id,
                random_id=None if personal else shared_random_id,
                not_before=slot.at,
                not_after=slot.until,
                now=now,
            )
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
    session: AsyncSession, district: District, round_: Round, slot: _Slot, letters: _Letters
) -> list[tuple[str, int, tuple[str, str, int]]]:
    """Heads and deputies of the asked schools that have not answered, each with their text
    (only those not planned yet: the key below is the one `unplanned_staff` looks for)."""
    staff = await repo.unplanned_staff(
        session, district_id=district.id, round_id=round_.id, tag=slot.tag
    )
    result = []
    for school, _role, person in staff:
        if letters.audience is not None and school.id not in letters.audience:
            continue
        text = letters.write(slot.kind, school, person.first_name or texts.NO_NAME)
        key = repo.staff_key(round_.id, slot.tag, school.id, person.id)
        result.append(
            (key, person.vk_id, (text[0].upper() + text[1:], letters.keyboard, school.id))
        )
    return result


async def _email_rows(
    session: AsyncSession, district: District, round_: Round, slot: _Slot, now: datetime
) -> list[dict[str, Any]]:
    """One row per address; the workbook is built when the row is sent, so it is current."""
    by_key = {_email_key(round_.id, address): address for address in district.emails}
    planned = await repo.existing_keys(session, list(by_key))
    return [
        new_row(
            kind="email",
            payload=Email(to=address, subject=district.email_subject),
            natural_key=key,
            round_id=round_.id,
            not_before=slot.at,
            not_after=slot.until,
            now=now,
        )
        for key, address in by_key.items()
        if key not in planned
    ]


def _email_key(round_id: int, address: str) -> str:
    # Hashed: an address may be longer than the key column, and keys show up in logs.
    digest = hashlib.blake2b(address.casefold().encode(), digest_size=8).hexdigest()
    return f"r{round_id}:email:{digest}"
