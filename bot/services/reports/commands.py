"""The report commands as use cases: who asks, where, with what arguments → the reply.

Handlers call one function here and send what it returns. Refusals come back as their
polite text; nothing here talks to VK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import report_render as render
from bot.domain.formatting import plural
from bot.domain.lookups import SchoolNotFound
from bot.domain.questionnaire import Questionnaire
from bot.domain.school_search import score
from bot.domain.textnorm import fold
from bot.domain.week_query import WeekRange
from bot.services import school_lookup
from bot.services.reports import charts, export, remind
from bot.services.reports import data as reports
from bot.services.reports.access import (
    CHART,
    EXPORT,
    MISSING,
    REMIND,
    VIEW,
    Asker,
    Refusal,
    Scope,
    resolve,
    settle_week,
    take_week_or_refuse,
)
from bot.services.requests import reports as requests
from bot.services.requests.export import round_workbook
from bot.services.requests.summary import request_status_text
from bot.texts import reports as t
from bot.texts import requests as request_texts
from bot.texts.common import school_choices
from storage.db import Database
from storage.models import District
from storage.repos import actors, audit

DEFAULT_RATING = "students_active_pct"
CHART_WEEKS = 8
EXPORT_WEEKS = 12
MAX_EXPORT_WEEKS = 260


@dataclass(frozen=True)
class Files:
    """A reply with attachments: PNG images or one document."""

    caption: str
    files: tuple[tuple[str, bytes], ...]  # (file name, content)
    kind: str  # "photo" or "doc"


class UseCase(Protocol):
    """What every report command is: the asker's words in, a text or files out."""

    __name__: str

    async def __call__(
        self, *, db: Database, asker: Asker, args: str, now: datetime
    ) -> Files | str: ...


async def status(*, db: Database, asker: Asker, args: str, now: datetime) -> str:
    try:
        async with db.reads() as session:
            scope = await resolve(session, asker=asker, args=args, action=VIEW, now=now)
            if scope.region:
                rows = await reports.region_rows(session=session, now=now, week=scope.week)
                return render.render_region(rows)
            if scope.rest:
                return await _school_or_request(session, scope, now, contacts=not asker.in_chat)
            week = await reports.district_week(
                session=session, district=scope.district, now=now, week=scope.week
            )
            return render.render_status(week)
    except Refusal as refusal:
        return refusal.text


async def missing(*, db: Database, asker: Asker, args: str, now: datetime) -> str:
    try:
        async with db.reads() as session:
            scope = await resolve(session, asker=asker, args=args, action=MISSING, now=now)
            week = await reports.district_week(
                session=session, district=_one(scope), now=now, week=scope.week
            )
            return render.render_missing(week, contacts=not asker.in_chat)
    except Refusal as refusal:
        return refusal.text


async def rating(*, db: Database, asker: Asker, args: str, now: datetime) -> str:
    try:
        async with db.reads() as session:
            scope = await resolve(session, asker=asker, args=args, action=VIEW, now=now)
            qn = await reports.questionnaire_of(session, None)
            key = _indicator_key(qn, scope.rest)
            week = await reports.district_week(
                session=session, district=_only(scope), now=now, week=scope.week
            )
            return render.render_rating(week, key)
    except Refusal as refusal:
        return refusal.text


async def my(*, db: Database, asker: Asker, now: datetime) -> str:
    try:
        async with db.reads() as session:
            return await _my(session, asker, now)
    except Refusal as refusal:
        return refusal.text


async def remind_now(*, db: Database, asker: Asker, args: str, now: datetime) -> str:
    try:
        async with db.sessions.begin() as session:
            scope = await resolve(session, asker=asker, args=args, action=REMIND, now=now)
            district = _one(scope)
            result = await remind.remind(
                session=session,
                district=district,
                now=now,
                actor_id=scope.actor.person_id,
                peer_id=asker.peer_id,
            )
    except Refusal as refusal:
        return refusal.text
    if result.no_round:
        return t.REMIND_NO_ROUND
    if result.next_allowed_at is not None:
        return t.REMIND_TOO_SOON.format(
            when=render.moment_label(result.next_allowed_at, district.tz)
        )
    if not result.queued and not result.unreachable:
        return t.REMIND_NOBODY
    lines = []
    if result.queued:
        count = len(result.queued)
        lines.append(t.REMIND_SENT.format(count=count, schools=plural(count, t.SCHOOLS_FORMS)))
    if result.unreachable:
        lines.append(t.REMIND_UNREACHABLE.format(schools="; ".join(result.unreachable)))
    return "\n".join(lines)


async def chart(*, db: Database, asker: Asker, args: str, now: datetime) -> Files | str:
    try:
        async with db.reads() as session:
            scope = await resolve(session, asker=asker, args=args, action=CHART, now=now)
            qn = await reports.questionnaire_of(session, None)
            key = _indicator_key(qn, scope.rest)
            images = await charts.district_charts(
                session=session, district=_only(scope), now=now, weeks=CHART_WEEKS, key=key
            )
    except Refusal as refusal:
        return refusal.text
    if images is None:
        return t.CHART_NO_DATA
    label = next(ind.label for ind in qn.indicators if ind.key == key)
    caption = t.CHART_CAPTION.format(district=scope.district.name, weeks=CHART_WEEKS, label=label)
    return Files(caption, images, "photo")


async def export_file(*, db: Database, asker: Asker, args: str, now: datetime) -> Files | str:
    """`/export [xlsx|csv] [недель | неделя] [район]`, or `/export [запрос] <название>`."""
    title = requests.explicit(args)
    try:
        asked, words = (None, args) if title is not None else take_week_or_refuse(args)
    except Refusal as refusal:
        return refusal.text
    options = (
        _export_options(words, week=asked is not None) if title is None else ("xlsx", 0, title)
    )
    if options is None:
        return t.EXPORT_BAD_FORMAT
    fmt, weeks, rest = options
    try:
        async with db.reads() as session:
            scope = await resolve(session, asker=asker, args=rest, action=EXPORT, now=now)
            request = None
            if scope.rest or title is not None:
                found = await requests.candidates(
                    session, districts=scope.districts, query=scope.rest, now=now
                )
                if title is not None or requests.clear(found):
                    request = requests.pick(found, scope.rest)
            if request is None:
                district = _one(scope)
                week = None if asked is None else settle_week(asked, (district,), now)
    except Refusal as refusal:
        return refusal.text
    if request is not None:
        return await _export_request(db, request, scope.actor.person_id, now)
    exported = await export.export_district(
        db=db,
        district_id=district.id,
        now=now,
        weeks=weeks,
        fmt=fmt,
        actor_id=scope.actor.person_id,
        span=None if week is None else WeekRange(week, week),
    )
    if exported.span is None:
        return t.EXPORT_EMPTY.format(district=district.name)
    return Files(export_caption(district.name, exported), ((exported.name, exported.data),), "doc")


def export_caption(district: str, exported: export.Exported) -> str:
    """«Сергокалинский район: выгрузка XLSX за 2 недели: 11.11–24.11.2024.» — the weeks the
    file has, not the weeks asked for."""
    assert exported.span is not None
    fmt = exported.name.rsplit(".", 1)[-1].upper()
    return t.EXPORT_CAPTION.format(
        district=district,
        fmt=fmt,
        count=exported.weeks,
        weeks=plural(exported.weeks, t.WEEKS_ACC),
        span=exported.span.label(),
    )


async def _export_request(
    db: Database, request: requests.Found, actor_id: int | None, now: datetime
) -> Files:
    """The request's merged workbook; the export is written to the audit log."""
    async with db.reads() as session:
        book = await round_workbook(session=session, round_id=request.round_.id)
    async with db.sessions.begin() as session:
        audit.record(
            session,
            action="export",
            at=now,
            actor_id=actor_id,
            district_id=request.campaign.district_id,
            campaign_id=request.campaign.id,
            format="xlsx",
            answered=book.answered,
        )
    caption = request_texts.EXPORT_CAPTION.format(
        title=book.title, district=book.district, answered=book.answered, total=book.total
    )
    return Files(caption, ((book.filename, book.data),), "doc")


async def _school_or_request(
    session: AsyncSession, scope: Scope, now: datetime, *, contacts: bool
) -> str:
    """`/status запрос <название>` is a request; a bare text is a request only when it
    matches a request's title clearly and better than any school's name."""
    title = requests.explicit(scope.rest)
    query = scope.rest if title is None else title
    found = await requests.candidates(session, districts=scope.districts, query=query, now=now)
    if title is None and (
        not requests.clear(found) or await _best_school_score(session, scope) >= found[0].score
    ):
        return await _school(session, scope, now, contacts=contacts)
    request = requests.pick(found, query)
    return await request_status_text(
        session=session, round_=request.round_, campaign=request.campaign, now=now
    )


async def _best_school_score(session: AsyncSession, scope: Scope) -> float:
    found = await school_lookup.matches(session, scope.rest, district_ids=_ids(scope))
    return max((score(scope.rest, school.name) for school, _ in found), default=0.0)


async def _school(session: AsyncSession, scope: Scope, now: datetime, *, contacts: bool) -> str:
    try:
        school = await school_lookup.find_school(session, scope.rest, district_ids=_ids(scope))
    except SchoolNotFound as missing:
        if not missing.candidates:
            raise Refusal(t.SCHOOL_NOT_FOUND.format(query=scope.rest[:100])) from None
        raise Refusal(
            t.SCHOOL_AMBIGUOUS.format(schools=school_choices(missing.candidates))
        ) from None
    history = await reports.school_history(
        session=session, school_id=school.id, now=now, week=scope.week
    )
    return render.render_school(history, contacts=contacts)


def _ids(scope: Scope) -> list[int]:
    return [d.id for d in scope.districts]


async def _my(session: AsyncSession, asker: Asker, now: datetime) -> str:
    actor = await actors.actor(session, asker.vk_id, list(asker.admin_ids))
    if not actor.staff:
        raise Refusal(t.MY_NOT_HEAD)
    texts = []
    for role in actor.staff:
        history = await reports.school_history(session=session, school_id=role.school_id, now=now)
        texts.append(render.render_school(history))
    return "\n\n".join(texts)


def _one(scope: Scope) -> District:
    """The single district a district-wide command needs; the region, several districts or
    words that are not a district are refused."""
    if len(scope.districts) == 1:
        if scope.rest:
            raise Refusal(t.UNKNOWN_DISTRICT.format(name=scope.rest[:100]))
        return scope.district
    names = [d.name for d in scope.districts[:10]]
    raise Refusal(
        t.CHOOSE_DISTRICT.format(
            command="/status", example=names[0] if names else "", districts=", ".join(names)
        )
        if names
        else t.NOT_ALLOWED
    )


def _only(scope: Scope) -> District:
    """The district of a command whose arguments are not a district (an indicator)."""
    return _one(Scope(scope.actor, scope.districts, scope.week, ""))


def _indicator_key(qn: Questionnaire, text: str) -> str:
    if not text:
        return DEFAULT_RATING
    wanted = fold(text)
    for ind in qn.indicators:
        if wanted in (ind.key, fold(ind.label)) or fold(ind.label).startswith(wanted):
            return ind.key
    known = "; ".join(ind.label for ind in qn.indicators)
    raise Refusal(t.RATING_UNKNOWN.format(name=text[:60], known=known))


def _export_options(args: str, *, week: bool) -> tuple[str, int, str] | None:
    """`/export [xlsx|csv] [weeks] [district]` -> (format, weeks, the rest); None if unclear,
    as a number of weeks beside a named week (`week`) is."""
    formats, numbers, rest = [], [], []
    for word in args.split():
        if word.lower() in ("xlsx", "csv"):
            formats.append(word.lower())
        elif word.isdigit():
            numbers.append(int(word))
        else:
            rest.append(word)
    if len(formats) > 1 or len(numbers) > 1 or any(not 1 <= n <= MAX_EXPORT_WEEKS for n in numbers):
        return None
    if week and numbers:
        return None
    return (formats or ["xlsx"])[0], (numbers or [EXPORT_WEEKS])[0], " ".join(rest)
