"""A small database with a row in every table: what backup, restore and forget must handle."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.domain.school_table import parse_school_table
from bot.services import rounds
from bot.services.admin import districts
from storage.db import Database
from storage.models import (
    Answer,
    AppState,
    AuditEvent,
    Base,
    Chat,
    DialogState,
    InboundEvent,
    Invite,
    Lease,
    Official,
    OutboxMessage,
    Person,
    Response,
    ResponseRevision,
    School,
    SchoolStaff,
    Throttle,
    WebSession,
    WebSigninToken,
)
from tests.utils import sergokala

HEAD_VK_ID = 5_550_001
OFFICIAL_VK_ID = 5_550_002
OTHER_VK_ID = 5_550_003
CONTACTS = (
    ("Алиева Патимат Расуловна", "+7 928 555-44-33", "aliyeva@example.org"),
    ("Омарова Марьям Ахмедовна", "+7 928 555-44-34", "omarova@example.org"),
)


async def populate(db: Database, now: datetime, *, extra_schools: int = 0) -> None:
    rows = parse_school_table(sergokala.xlsx(), "s.xlsx")
    async with db.sessions.begin() as session:
        result = await districts.import_schools(
            session=session,
            district_name=sergokala.DISTRICT,
            tz="Europe/Moscow",
            rows=rows,
            now=now,
        )
        district = await districts.require_district(session, result.district)
        schools = list(
            await session.scalars(select(Base.metadata.tables["schools"].c.id).order_by("id"))
        )
        # The office's list gave two schools contacts: the forgotten head's and another's.
        for school_id, contact in zip(schools[::2], CONTACTS, strict=False):
            school = await session.get(School, school_id)
            assert school is not None
            school.head_name, school.phone, school.email = contact
        head = Person(vk_id=HEAD_VK_ID, first_name="Патимат", last_name="Алиева", created_at=now)
        official = Person(vk_id=OFFICIAL_VK_ID, first_name="Руслан", last_name="Г", created_at=now)
        other = Person(vk_id=OTHER_VK_ID, first_name="Марьям", last_name="О", created_at=now)
        session.add_all([head, official, other])
        await session.flush()
        session.add_all(
            [
                Official(person_id=official.id, district_id=district.id, created_at=now),
                SchoolStaff(person_id=head.id, school_id=schools[0], role="head", created_at=now),
                SchoolStaff(person_id=head.id, school_id=schools[1], role="head", created_at=now),
                SchoolStaff(person_id=other.id, school_id=schools[2], role="head", created_at=now),
                Invite(
                    school_id=schools[0],
                    code_hash="a" * 64,
                    created_at=now,
                    expires_at=now + timedelta(days=30),
                    redeemed_at=now,
                    redeemed_by=head.id,
                ),
                Chat(
                    peer_id=2_000_000_001,
                    district_id=district.id,
                    bound_by=official.id,
                    bound_at=now,
                ),
                DialogState(vk_id=HEAD_VK_ID, state="checkin:q3", payload={"a": 1}, updated_at=now),
                DialogState(vk_id=OTHER_VK_ID, state="checkin:q1", payload={}, updated_at=now),
                InboundEvent(
                    event_id="ev-head",
                    received_at=now,
                    processed_at=now,
                    payload={"object": {"message": {"from_id": HEAD_VK_ID, "text": "42"}}},
                ),
                InboundEvent(
                    event_id="ev-pending", received_at=now, payload={"from_id": HEAD_VK_ID}
                ),
                Throttle(key=f"invite:{HEAD_VK_ID}", count=2, window_start=now),
                Throttle(key=f"invite:{OTHER_VK_ID}", count=1, window_start=now),
                Throttle(key=f"invite:{HEAD_VK_ID}9", count=1, window_start=now),
                Lease(name="planner", holder="x", expires_at=now),
                # Digests, as the dashboard keeps them: a link and a session of the official.
                WebSigninToken(
                    token_hash="a" * 64,
                    person_id=official.id,
                    created_at=now,
                    expires_at=now + timedelta(minutes=15),
                ),
                WebSession(
                    id_hash="b" * 64,
                    person_id=official.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=12),
                ),
                AppState(key="last_tick", value={"at": now.isoformat(), "ünïcode": "«да»"}),
            ]
        )
        campaign = await rounds.weekly_campaign(session, district, now)
        round_ = await rounds.current_round(session, district, now)
        assert round_ is not None
        response = Response(
            round_id=round_.id, school_id=schools[0], author_id=head.id, submitted_at=now
        )
        session.add(response)
        await session.flush()
        answers = {"students_total": 480, "students_active": 233, "share": 48.68}
        session.add_all(
            Answer(response_id=response.id, key=key, value=value, num=float(value))
            for key, value in answers.items()
        )
        session.add(
            ResponseRevision(
                response_id=response.id,
                revision=1,
                author_id=head.id,
                answers=answers,
                submitted_at=now,
            )
        )
        session.add(
            OutboxMessage(
                natural_key=f"prompt:{round_.id}:{schools[0]}",
                kind="prompt",
                round_id=round_.id,
                school_id=schools[0],
                peer_id=HEAD_VK_ID,
                payload={"text": "Здравствуйте, Патимат!"},
                random_id=123,
                status="sent",
                not_before=now,
                sent_at=now,
                created_at=now,
            )
        )
        session.add(
            AuditEvent(
                at=now,
                action="invite.redeem",
                actor_id=head.id,
                school_id=schools[0],
                details={"vk_id": HEAD_VK_ID, "campaign": campaign.id},
            )
        )
        if extra_schools:
            session.add_all(
                School(district_id=district.id, name=f"Школа № {n}", created_at=now)
                for n in range(extra_schools)
            )
    # Make sure the fixture really covers the schema, so a new table cannot slip past.
    async with db.reads() as session:
        for table in Base.metadata.sorted_tables:
            assert await session.scalar(select(func.count()).select_from(table)), table.name
