"""The /request dialog of an official or admin: title → deadline → questionnaire → audience
→ confirm. One step per message, state in `dialog_states`, so a restart resumes it.

Permission: `Action.REQUEST` on the district (its officials and admins,
`bot.services.access`), checked on every step, not only at the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.permissions import Action, Actor, authorize, districts_for
from bot.domain.request_rounds import DeadlineError, parse_deadline
from bot.keyboards import NEGATIVE, POSITIVE, PRIMARY, Button, keyboard, rows_of, short_label
from bot.services.requests.create import (
    RequestError,
    builtin_questionnaires,
    clean_title,
    create_request,
    resolve_schools,
)
from bot.texts import requests as texts
from storage.db import Database
from storage.models import District
from storage.repos import dialogs, districts

STATE = "request"
COMMAND = "rq"  # button payloads: {"c": "rq", "v": value}
TITLE, DEADLINE, QUESTIONNAIRE, AUDIENCE, SCHOOLS, CONFIRM = (
    "title",
    "deadline",
    "questionnaire",
    "audience",
    "schools",
    "confirm",
)
ALL, CHOSEN, YES, NO = "all", "chosen", "yes", "no"


@dataclass(frozen=True)
class Reply:
    text: str
    keyboard: str | None = None


async def start(*, db: Database, actor: Actor, district_name: str, now: datetime) -> Reply:
    async with db.sessions.begin() as session:
        if not authorize(actor, Action.REQUEST):
            return Reply(texts.NOT_ALLOWED)
        district = await _district(session, actor, district_name.strip())
        if isinstance(district, Reply):
            return district
        await _save(session, actor.vk_id, {"step": TITLE, "district": district.id}, now)
        return Reply(texts.ASK_TITLE.format(district=district.name), _cancel_keyboard())


async def step(*, db: Database, actor: Actor, text: str, value: str | None, now: datetime) -> Reply:
    """One answer in the dialog: typed `text`, or a button's `value`."""
    vk_id = actor.vk_id
    async with db.sessions.begin() as session:
        row = await dialogs.get(session, vk_id)
        data: dict[str, Any] = dict(row.payload) if row is not None and row.state == STATE else {}
        district = await districts.get(session, int(data.get("district") or 0))
        allowed = district is not None and authorize(actor, Action.REQUEST, district_id=district.id)
        if value == NO or not allowed:
            await dialogs.drop(session, vk_id)
            return Reply(texts.CANCELLED if allowed else texts.NOT_ALLOWED)
        assert district is not None
        try:
            reply = await _advance(session, actor, district, data, text, value, now)
        except (RequestError, DeadlineError) as exc:
            return Reply(f"{exc}", _cancel_keyboard())
        if data.get("step") is None:
            await dialogs.drop(session, vk_id)
        else:
            await _save(session, vk_id, data, now)
        return reply


async def _advance(
    session: AsyncSession,
    actor: Actor,
    district: District,
    data: dict[str, Any],
    text: str,
    value: str | None,
    now: datetime,
) -> Reply:
    """Take the answer to the current step into `data` and say what comes next."""
    tz = ZoneInfo(district.tz)
    match data.get("step"):
        case "title":
            data["title"] = clean_title(text)
            data["step"] = DEADLINE
            return Reply(texts.ASK_DEADLINE, _cancel_keyboard())
        case "deadline":
            deadline = parse_deadline(text, tz)
            if deadline <= now:
                raise RequestError(texts.DEADLINE_PAST)
            data["deadline"], data["step"] = deadline.isoformat(), QUESTIONNAIRE
            return _questionnaire_menu()
        case "questionnaire":
            if value not in builtin_questionnaires():
                return _questionnaire_menu(texts.PICK_BUTTON)
            data["questionnaire"], data["step"] = value, AUDIENCE
            return _audience_menu()
        case "audience":
            if value == ALL:
                data["schools"], data["step"] = None, CONFIRM
                return await _confirm(session, district, data)
            if value == CHOSEN:
                data["step"] = SCHOOLS
                return Reply(texts.ASK_SCHOOLS, _cancel_keyboard())
            return _audience_menu(texts.PICK_BUTTON)
        case "schools":
            chosen = await resolve_schools(
                session=session, district_id=district.id, parts=text.split(";")
            )
            data["schools"], data["step"] = [s.id for s in chosen], CONFIRM
            return await _confirm(session, district, data)
        case "confirm" if value == YES:
            created = await create_request(
                session=session,
                district=district,
                questionnaire=builtin_questionnaires()[data["questionnaire"]],
                title=data["title"],
                deadline_at=datetime.fromisoformat(data["deadline"]),
                school_ids=data["schools"],
                created_by=actor.person_id,
                now=now,
            )
            data["step"] = None
            schools = texts.AUDIENCE_ALL.format(n=created.schools)
            if data["schools"] is not None:
                schools = f"школ — {created.schools}"
            text = texts.created(
                title=created.title,
                schools=schools,
                reminders_at=created.reminders_at,
                unreached=created.unreached,
                tz=tz,
            )
            return Reply(text)
        case "confirm":
            return await _confirm(session, district, data, texts.PICK_BUTTON)
    data["step"] = None
    return Reply(texts.CANCELLED)


async def _district(session: AsyncSession, actor: Actor, name: str) -> District | Reply:
    if name:
        district = await districts.get_by_name(session, name)
        if district is None:
            return Reply(texts.UNKNOWN_DISTRICT.format(name=name[:100]))
        if not authorize(actor, Action.REQUEST, district_id=district.id):
            return Reply(texts.NOT_ALLOWED)
        return district
    granted = districts_for(actor, Action.REQUEST)
    if granted is None:  # an admin: any district, so it must be the only one
        candidates = [d.id for d in await districts.list_all(session)]
    else:
        candidates = sorted(granted)
    if len(candidates) != 1:
        return Reply(texts.WHICH_DISTRICT)
    found = await districts.get(session, candidates[0])
    assert found is not None
    return found


async def _confirm(
    session: AsyncSession, district: District, data: dict[str, Any], before: str | None = None
) -> Reply:
    questionnaire = builtin_questionnaires()[data["questionnaire"]]
    deadline = texts.deadline_label(datetime.fromisoformat(data["deadline"]), ZoneInfo(district.tz))
    if data["schools"] is None:
        audience = texts.AUDIENCE_ALL.format(n=len(await districts.schools(session, district.id)))
    else:
        by_id = {s.id: s for s in await districts.schools(session, district.id)}
        audience = ", ".join(
            by_id[i].short_name or by_id[i].name for i in data["schools"] if i in by_id
        )
    text = texts.CONFIRM.format(
        title=data["title"], deadline=deadline, questionnaire=questionnaire.title, audience=audience
    )
    buttons = [_button(texts.CONFIRM_YES, YES, POSITIVE), _button(texts.CANCEL, NO, NEGATIVE)]
    return Reply(f"{before}\n\n{text}" if before else text, keyboard([buttons], one_time=True))


def _questionnaire_menu(before: str | None = None) -> Reply:
    buttons = [_button(q.title, key, PRIMARY) for key, q in builtin_questionnaires().items()]
    rows = [*rows_of(buttons, per_row=1)[:8], [_button(texts.CANCEL, NO, NEGATIVE)]]
    text = f"{before}\n\n{texts.ASK_QUESTIONNAIRE}" if before else texts.ASK_QUESTIONNAIRE
    return Reply(text, keyboard(rows, one_time=True))


def _audience_menu(before: str | None = None) -> Reply:
    rows = [
        [_button(texts.ALL_SCHOOLS, ALL, PRIMARY)],
        [_button(texts.CHOSEN_SCHOOLS, CHOSEN)],
        [_button(texts.CANCEL, NO, NEGATIVE)],
    ]
    text = f"{before}\n\n{texts.ASK_AUDIENCE}" if before else texts.ASK_AUDIENCE
    return Reply(text, keyboard(rows, one_time=True))


def _cancel_keyboard() -> str:
    return keyboard([[_button(texts.CANCEL, NO, NEGATIVE)]], one_time=True)


def _button(label: str, value: str, color: str = "secondary") -> Button:
    return Button(short_label(label), {"c": COMMAND, "v": value}, color)


async def _save(session: AsyncSession, vk_id: int, data: dict[str, Any], now: datetime) -> None:
    await dialogs.put(session, vk_id=vk_id, state=STATE, payload=data, now=now)
