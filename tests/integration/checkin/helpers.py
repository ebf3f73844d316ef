"""What the check-in tests share: a head set up in storage, a full answer set, DB reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services.checkin.answers import submit
from bot.services.rounds import round_for_week
from storage.db import Database
from storage.models import Answer, District, Response, ResponseRevision
from tests.utils.factories import SeededDistrict, make_district, make_staff

HEAD_VK = 100
DEPUTY_VK = 101

# Typed answers, in question order, for the step-by-step path.
TYPED = ["45", "40", "30", "20", "300", "150", "11", "9", "Нет"]
# The same answers as stored.
STORED: dict[str, Any] = {
    "staff_total": 45,
    "staff_registered": 40,
    "teachers_with_chat": 30,
    "teachers_active": 20,
    "students_total": 300,
    "students_active": 150,
    "classes_total": 11,
    "class_chats": 9,
    "foreign_messengers": False,
}
FORM = """Педагогов всего: 45
Педагогов в Сферуме: 40
Педагогов, создавших ≥1 групповой чат: 30
Педагогов, написавших ≥3 сообщений за неделю: 20
Обучающихся всего: 300
Обучающихся, активных в Сферуме: 150
Классов всего: 11
Классов с чатом в Сферуме: 9
foreign_messengers = нет
Комментарий: всё хорошо"""


@dataclass(frozen=True)
class Setup:
    district: SeededDistrict
    head_id: int

    @property
    def school_id(self) -> int:
        return self.district.school_ids[0]


async def one_head(db: Database, clock: FakeClock, **district: Any) -> Setup:
    seeded = await make_district(db, now=clock.now(), **district)
    head = await make_staff(db, vk_id=HEAD_VK, school_ids=seeded.school_ids[:1], now=clock.now())
    return Setup(seeded, head)


async def answered_last_week(db: Database, clock: FakeClock, setup: Setup, **changes: Any) -> None:
    """The school's response in week 2024-W42, the week before the clock's."""
    async with db.sessions.begin() as session:
        district = await session.get(District, setup.district.id)
        assert district is not None
        last_week = await round_for_week(session, district, IsoWeek(2024, 42), clock.now())
        assert last_week is not None
        await submit(
            session=session,
            round_id=last_week.id,
            school_id=setup.school_id,
            author_person_id=setup.head_id,
            answers={**STORED, **changes},
            now=clock.now() - timedelta(days=4),
        )


async def stored_responses(db: Database) -> list[Response]:
    async with db.reads() as session:
        return list(await session.scalars(select(Response).order_by(Response.id)))


async def stored_answers(db: Database, response_id: int) -> dict[str, Any]:
    async with db.reads() as session:
        rows = await session.execute(
            select(Answer.key, Answer.value).where(Answer.response_id == response_id)
        )
        return {key: value for key, value in rows}


async def stored_revisions(db: Database) -> list[ResponseRevision]:
    async with db.reads() as session:
        query = select(ResponseRevision).order_by(
            ResponseRevision.response_id, ResponseRevision.revision
        )
        return list(await session.scalars(query))


def labels(item: dict[str, Any]) -> list[str]:
    """Button labels of a sent message's keyboard, row by row flattened."""
    keyboard = item.get("keyboard") or {}
    if isinstance(keyboard, str):
        keyboard = json.loads(keyboard)
    return [b["action"]["label"] for row in keyboard.get("buttons", []) for b in row]


def button(item: dict[str, Any], label: str) -> dict[str, Any]:
    """The payload of the button with this label (or starting with it)."""
    keyboard = item.get("keyboard") or {}
    if isinstance(keyboard, str):
        keyboard = json.loads(keyboard)
    for row in keyboard.get("buttons", []):
        for b in row:
            if b["action"]["label"].startswith(label):
                return json.loads(b["action"]["payload"])
    raise AssertionError(f"no button {label!r} in {labels(item)}")
