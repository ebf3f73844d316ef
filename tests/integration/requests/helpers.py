"""What the request tests share: the Sergokala district with heads, a chat and e-mail
addresses, a local SMTP server, and filled class-chat workbooks."""

from __future__ import annotations

import base64
import contextlib
import io
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.domain.xlsx_template import build_template
from bot.resources import load_questionnaire
from bot.scheduler import Scheduler
from bot.services.requests.create import CreatedRequest, builtin_questionnaires, create_request
from storage.db import Database
from storage.models import Chat, District, Official, Person, School, SchoolStaff
from tests.fixtures.sergokala import SCHOOLS
from tests.utils.harness import running_bot

DISTRICT = "Сергокалинский район"
CHAT_PEER = 2_000_000_001
OFFICIAL_VK = 3001
ADDRESS = "uo-sergokala@example.ru"
SUBJECT = "Сферум"
CLASS_CHATS = "class_chats"


def head_vk(index: int) -> int:
    return 1001 + index


@dataclass
class Inbox:
    """What the local SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Controller]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass(frozen=True)
class Seeded:
    district_id: int
    school_ids: list[int]


async def seed(db: Database, bot_emulator: Any, now: datetime) -> Seeded:
    """The 12 schools, each with a head; an official; the district chat; the e-mail address."""
    async with db.sessions.begin() as session:
        district = District(
            name=DISTRICT,
            tz="Europe/Moscow",
            school_holidays=[],
            emails=[ADDRESS],
            email_subject=SUBJECT,
            created_at=now,
        )
        session.add(district)
        await session.flush()
        school_ids = []
        for index, school in enumerate(SCHOOLS):
            row = School(district_id=district.id, name=school.name, created_at=now)
            session.add(row)
            await session.flush()
            school_ids.append(row.id)
            head = Person(vk_id=head_vk(index), first_name=f"Глава{index}", created_at=now)
            session.add(head)
            await session.flush()
            session.add(
                SchoolStaff(person_id=head.id, school_id=row.id, role="head", created_at=now)
            )
            bot_emulator.add_user(head_vk(index), f"Глава{index}", "Ф")
        official = Person(vk_id=OFFICIAL_VK, first_name="Анна", created_at=now)
        session.add(official)
        await session.flush()
        session.add(Official(person_id=official.id, district_id=district.id, created_at=now))
        session.add(Chat(peer_id=CHAT_PEER, district_id=district.id, title="Район", bound_at=now))
    bot_emulator.add_user(OFFICIAL_VK, "Анна", "Ч")
    bot_emulator.add_chat(CHAT_PEER - 2_000_000_000, "Район", [OFFICIAL_VK])
    return Seeded(district.id, school_ids)


async def new_request(
    db: Database, clock: FakeClock, seeded: Seeded, *, deadline: datetime, title: str
) -> CreatedRequest:
    async with db.sessions.begin() as session:
        district = await session.get(District, seeded.district_id)
        assert district is not None
        return await create_request(
            session=session,
            district=district,
            questionnaire=builtin_questionnaires()[CLASS_CHATS],
            title=title,
            deadline_at=deadline,
            school_ids=None,
            created_by=None,
            now=clock.now(),
        )


def filled_workbook(rows: list[list[Any]]) -> bytes:
    """The template as a head fills it: the shipped template with `rows` typed in."""
    question = load_questionnaire_question()
    workbook = load_workbook(io.BytesIO(build_template(question)))
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def load_questionnaire_question() -> Any:
    path = "bot/questionnaires/class_chats.toml"
    return load_questionnaire(path).questions[0]


def doc_attachment(data: bytes, title: str = "Чаты классов.xlsx") -> list[dict[str, str]]:
    return [{"type": "doc", "title": title, "content_base64": base64.b64encode(data).decode()}]


def class_rows(count: int) -> list[list[Any]]:
    return [
        [f"{n}А", f"Учитель {n}", "да" if n % 2 else "нет", 20 + n] for n in range(1, count + 1)
    ]


async def friday_letters(
    db: Database,
    clock: FakeClock,
    prepare: Callable[[Seeded], Awaitable[None]] | None = None,
) -> list[EmailMessage]:
    """What the district's address receives by Friday 25.10.2024 17:01 MSK, when the weekly
    summary and its workbook are due; `prepare` runs after the seeding."""
    port = free_port()
    inbox = Inbox()
    settings = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none"}
    async with running_bot(db, clock, **settings) as bot:
        seeded = await seed(db, bot.emulator, clock.now())
        if prepare is not None:
            await prepare(seeded)
        assert bot.app is not None
        with smtp_server(port, inbox):
            await Scheduler(bot.app.context).run_due(datetime(2024, 10, 25, 14, 1, tzinfo=UTC))
    return inbox.messages
