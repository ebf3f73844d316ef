"""Which district a report command is about, and whether the asker may see it there.

Permissions come from the central table (`access.authorize`); this module only works out
the target: the chat's district, a district named in the arguments, or the asker's own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.permissions import Action, Actor, authorize, districts_for
from bot.domain.school_search import score, split_district
from bot.domain.textnorm import fold
from bot.domain.week_query import WeekError, WeekQuery, take_week
from bot.domain.weeks import IsoWeek
from bot.texts import reports as t
from storage.models import District
from storage.repos import actors
from storage.repos import districts as district_repo

# /rating is a view of the status; every other report command has its own action.
VIEW, MISSING, CHART = Action.STATUS, Action.MISSING, Action.CHART
REMIND, EXPORT = Action.REMIND, Action.EXPORT

CHAT_PEER_BASE = 2_000_000_000
REGION_WORDS = frozenset({"region", "регион"})
REQUEST_WORDS = frozenset({"запрос", "request"})  # `/status запрос <название>`
# How sure a fuzzy district-name match must be before it is taken for a district.
DISTRICT_MATCH = 0.8


class Refusal(Exception):
    """The request cannot be served; `text` is the polite reply, with no data in it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def allowed(actor: Actor, action: Action, district_id: int) -> bool:
    return authorize(actor, action, district_id=district_id)


def sees_region(actor: Actor) -> bool:
    """Every district at once: whoever may see the status of any district (admins)."""
    return districts_for(actor, VIEW) is None


@dataclass(frozen=True)
class Asker:
    vk_id: int
    peer_id: int
    admin_ids: tuple[int, ...] = ()

    @property
    def in_chat(self) -> bool:
        return self.peer_id >= CHAT_PEER_BASE


@dataclass(frozen=True)
class Scope:
    actor: Actor
    districts: tuple[District, ...]  # empty for the region; several for a wide school search
    week: IsoWeek | None
    rest: str  # what is left of the arguments: a school name, an indicator, a format

    @property
    def region(self) -> bool:
        return not self.districts

    @property
    def district(self) -> District:
        return self.districts[0]


async def resolve(
    session: AsyncSession, *, asker: Asker, args: str, action: Action, now: datetime
) -> Scope:
    """Read the district, the week and the rest from what was typed and where; a week in
    words («прошлая неделя», «18.11») is the district's, on its own calendar."""
    before, request = _request_part(args)
    asked, rest = take_week_or_refuse(before)
    rest = " ".join(part for part in (rest, request) if part)
    scope = await _target(session, asker=asker, rest=rest, action=action)
    if asked is None:
        return scope
    return replace(scope, week=settle_week(asked, scope.districts, now))


def _request_part(args: str) -> tuple[str, str]:
    """The words before «запрос …» and the request's part, which is read as typed: a
    request's title may hold a date («Отчёт на 18.11»)."""
    words = args.split()
    at = next((i for i, word in enumerate(words) if fold(word) in REQUEST_WORDS), len(words))
    return " ".join(words[:at]), " ".join(words[at:])


def take_week_or_refuse(args: str) -> tuple[WeekQuery | None, str]:
    try:
        return take_week(args)
    except WeekError as error:
        raise Refusal(week_problem(error)) from None


def settle_week(asked: WeekQuery, where: tuple[District, ...], now: datetime) -> IsoWeek:
    """The week meant, on the first district's calendar (the region's: Moscow's)."""
    tz = ZoneInfo(where[0].tz if where else "Europe/Moscow")
    try:
        return asked.week(now.astimezone(tz).date())
    except WeekError as error:
        raise Refusal(week_problem(error)) from None


def week_problem(error: WeekError) -> str:
    """What was wrong with the week, then how to write one."""
    problem = t.WEEK_PROBLEMS[error.problem.value].format(text=error.text[:40])
    return f"{problem} {t.BAD_WEEK}"


async def _target(session: AsyncSession, *, asker: Asker, rest: str, action: Action) -> Scope:
    """The district (or districts, or the region) and the words left; the week comes later."""
    actor = await actors.actor(session, asker.vk_id, list(asker.admin_ids), asker.peer_id)
    everything = await district_repo.list_all(session)
    if asker.in_chat:
        scope = await _chat_scope(session, actor, action, rest)
        _refuse_foreign(everything, [scope.district], rest)
        return scope
    if fold(rest) in REGION_WORDS:
        if not sees_region(actor):
            raise Refusal(t.NOT_ALLOWED)
        return Scope(actor, (), None, "")
    candidates = [d for d in everything if allowed(actor, action, d.id)]
    _refuse_foreign(everything, candidates, rest)
    if not candidates:
        raise Refusal(t.NO_DISTRICT if actor.is_admin else t.NOT_ALLOWED)
    district, rest = _pick_district(candidates, rest)
    if district is not None:
        return Scope(actor, (district,), None, rest)
    if len(candidates) == 1 or rest:
        return Scope(actor, tuple(candidates), None, rest)
    example = candidates[0].name
    names = ", ".join(d.name for d in candidates[:10])
    command = {EXPORT: "/export", REMIND: "/remind"}.get(action, "/status")
    raise Refusal(t.CHOOSE_DISTRICT.format(command=command, example=example, districts=names))


async def _chat_scope(session: AsyncSession, actor: Actor, action: Action, rest: str) -> Scope:
    chat = actor.chat
    if chat is None:
        raise Refusal(t.CHAT_NOT_BOUND)
    if not allowed(actor, action, chat.district_id):
        off = action == VIEW and not chat.answers_status
        raise Refusal(t.CHAT_STATUS_OFF if off else t.NOT_ALLOWED)
    district = await district_repo.get(session, chat.district_id)
    assert district is not None
    return Scope(actor, (district,), None, rest)


def _refuse_foreign(everything: list[District], visible: list[District], rest: str) -> None:
    """Naming a district one may not see is refused outright, not read as a school name:
    before the school, or after it as in a list of choices («СОШ № 1 (Альфа район)»)."""
    named, _ = _pick_district(everything, rest, fuzzy=False)
    after, _ = split_district(rest, [d.name for d in everything])
    if (named is not None and named not in visible) or (
        after is not None and after not in {d.name for d in visible}
    ):
        raise Refusal(t.NOT_ALLOWED_DISTRICT)


def _pick_district(
    candidates: list[District], rest: str, *, fuzzy: bool = True
) -> tuple[District | None, str]:
    """A district named at the start of the arguments (exactly, or clearly enough when the
    asker has several), and the arguments after it."""
    text = fold(rest)
    if not text:
        return (candidates[0], "") if len(candidates) == 1 and fuzzy else (None, "")
    for district in sorted(candidates, key=lambda d: -len(d.name)):
        name = fold(district.name)
        if text == name:
            return district, ""
        if text.startswith(name + " "):
            return district, " ".join(rest.split()[len(name.split()) :])
    if fuzzy and len(candidates) > 1:
        scored = sorted(((score(rest, d.name), i) for i, d in enumerate(candidates)), reverse=True)
        best, index = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best >= DISTRICT_MATCH and best - runner_up > 0.05:
            return candidates[index], ""
    return None, rest
