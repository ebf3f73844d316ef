"""A district with heads, deputies, a chat and an official, an emulator, and schedulers on it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select

from bot.clock import FakeClock
from bot.config import Settings
from bot.context import AppContext
from bot.emulator import Emulator
from bot.scheduler import Scheduler
from bot.services import rounds
from bot.vk.api import SvodkaAPI
from bot.vk.ratelimit import RateLimiter
from storage.db import Database
from storage.models import (
    Answer,
    Chat,
    District,
    Official,
    OutboxMessage,
    Person,
    Response,
    Round,
    School,
    SchoolStaff,
)
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.utils.harness import TOKEN

CHAT_PEER = 2_000_000_001
OFFICIAL_VK = 3001


def head_vk(index: int) -> int:
    return 1001 + index


def deputy_vk(index: int) -> int:
    return 2001 + index


@dataclass
class World:
    db: Database
    clock: FakeClock
    emulator: Emulator
    settings: Settings
    district_id: int = 0
    school_ids: list[int] = field(default_factory=list)
    apis: list[SvodkaAPI] = field(default_factory=list)

    def scheduler(self, name: str = "a", **options: Any) -> Scheduler:
        """A fresh instance, as after a restart (nothing carried over in memory)."""
        api = SvodkaAPI(
            TOKEN, url=self.settings.vk_api_url, limiter=RateLimiter(1000), backoff_s=0.001
        )
        self.apis.append(api)
        context = AppContext(
            settings=self.settings, db=self.db, clock=self.clock, api=api, instance_id=name
        )
        return Scheduler(context, **options)

    async def close(self) -> None:
        for api in self.apis:
            await api.http_client.close()

    async def seed(self, *, tz: str = "Europe/Moscow", deputies: int = 2, **district: Any) -> None:
        now = self.clock.now()
        async with self.db.sessions.begin() as session:
            values = {"school_holidays": [], "emails": [], **district}
            row = District(name="Сергокалинский район", tz=tz, created_at=now, **values)
            session.add(row)
            await session.flush()
            self.district_id = row.id
            for index, school in enumerate(SCHOOLS):
                added = School(district_id=row.id, name=school.name, created_at=now)
                session.add(added)
                await session.flush()
                self.school_ids.append(added.id)
                await self._staff(session, added.id, "head", head_vk(index), f"Глава{index}")
                if index < deputies:
                    await self._staff(session, added.id, "deputy", deputy_vk(index), "Зам")
            official = Person(vk_id=OFFICIAL_VK, first_name="Анна", last_name="Ч", created_at=now)
            session.add(official)
            await session.flush()
            session.add(Official(person_id=official.id, district_id=row.id, created_at=now))
            session.add(Chat(peer_id=CHAT_PEER, district_id=row.id, title="Район", bound_at=now))
        self.emulator.add_user(OFFICIAL_VK, "Анна", "Ч")
        self.emulator.add_chat(CHAT_PEER - 2_000_000_000, "Район", [OFFICIAL_VK])

    async def _staff(self, session: Any, school_id: int, role: str, vk_id: int, name: str) -> None:
        person = Person(vk_id=vk_id, first_name=name, last_name="Ф", created_at=self.clock.now())
        session.add(person)
        await session.flush()
        session.add(
            SchoolStaff(
                person_id=person.id, school_id=school_id, role=role, created_at=self.clock.now()
            )
        )
        self.emulator.add_user(vk_id, name, "Ф")

    async def answer(self, index: int) -> None:
        """School `index` submits its answers for the current round, as the dialog would."""
        now = self.clock.now()
        async with self.db.sessions.begin() as session:
            district = await session.get(District, self.district_id)
            round_ = await rounds.current_round(session, district, now)
            response = Response(
                round_id=round_.id,
                school_id=self.school_ids[index],
                submitted_at=now,
                late=now > round_.deadline_at,
            )
            session.add(response)
            await session.flush()
            for key, value in student_answers(SCHOOLS[index]).items():
                session.add(Answer(response_id=response.id, key=key, value=value, num=value))

    async def outbox(self) -> list[OutboxMessage]:
        async with self.db.reads() as session:
            return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    async def row_count(self) -> int:
        async with self.db.reads() as session:
            return await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0

    async def delivered(self, period: str = "2024-W43") -> Counter[tuple[str, int]]:
        """(kind, peer) → how many messages of the round of `period` the emulator recorded,
        matched to outbox rows by (peer, random_id); anything unmatched counts as "other"."""
        async with self.db.reads() as session:
            query = select(OutboxMessage, Round.period).join(
                Round, Round.id == OutboxMessage.round_id
            )
            kinds = {
                (row.peer_id, row.random_id): (row.kind, row_period)
                for row, row_period in await session.execute(query)
            }
        counts: Counter[tuple[str, int]] = Counter()
        for item in self.emulator.sent_items():
            kind, row_period = kinds.get((item["peer_id"], item["random_id"]), ("other", period))
            if row_period == period:
                counts[(kind, item["peer_id"])] += 1
        return counts

    def texts(self, peer_id: int) -> list[str]:
        return [item["text"] for item in self.emulator.sent_items(peer_id)]


async def write_transactions_of_idle_ticks(
    world: World, scheduler: Scheduler, ticks: int = 3
) -> int:
    """Run ticks that must write no row; return how many write transactions they began
    (connections without the read-only option): on SQLite each is a BEGIN IMMEDIATE."""
    began = 0

    def count(connection: Any) -> None:
        nonlocal began
        began += not connection.get_execution_options().get("read_only", False)

    engine = world.db.engine.sync_engine
    event.listen(engine, "begin", count)
    try:
        for _ in range(ticks):
            report = await scheduler.tick()
            assert report.rows_written == 0
    finally:
        event.remove(engine, "begin", count)
    return began


def moscow(text: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Moscow"))
