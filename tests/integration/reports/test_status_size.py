"""/status of a big district stays one VK message: schools below a threshold are capped."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.domain.report_render import BELOW_SHOWN
from bot.domain.weeks import IsoWeek
from storage.db import Database
from tests.utils import report_factories as f
from tests.utils.harness import running_bot

OFFICIAL, HEAD = 500, 100
W43 = IsoWeek(2024, 43)
INDICATORS = (
    "Педагогов в Сферуме",
    "Педагогов с групповым чатом",
    "Педагогов, активных за неделю",
    "Обучающихся, активных в Сферуме",
    "Классов с чатом в Сферуме",
)


def _name(i: int) -> str:
    # As long as the real ones (the Sergokala seed's longest is 40 characters).
    return f"МКОУ «Нижнемулебкинская СОШ им. Героя №{i}»"


def _lagging(i: int) -> dict[str, object]:
    """Below every threshold; the higher `i`, the better the school does."""
    return {
        "staff_total": 100,
        "staff_registered": 40 + i % 50,
        "teachers_with_chat": i % 20,
        "teachers_active": i % 20,
        "students_total": 300,
        "students_active": i,
        "classes_total": 11,
        "class_chats": i % 9,
        "foreign_messengers": False,
    }


async def _seed(db: Database, clock: FakeClock, *, schools: int, answered: int) -> None:
    now = clock.now()
    async with db.sessions.begin() as s:
        district, made = await f.district_with_schools(
            s, name="Большой район", schools=[_name(i) for i in range(schools)], now=now
        )
        await f.official(s, district=district, vk_id=OFFICIAL, now=now)
        for i, school in enumerate(made):
            await f.head(s, school=school, vk_id=HEAD + i, now=now, first="Рук", last=f"Школы{i}")
            if i < answered:
                await f.answer(
                    s,
                    district=district,
                    school=school,
                    week=W43,
                    values=_lagging(i),
                    now=now,
                    late=i % 20 == 19,
                )


def _below_block(text: str, label: str) -> list[str]:
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(f"• {label} — ниже"))
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("   "):
            break
        block.append(line.strip())
    return block


async def test_a_district_of_100_gets_its_status_in_one_message(
    db: Database, clock: FakeClock
) -> None:
    await _seed(db, clock, schools=100, answered=90)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [status] = await bot.say(OFFICIAL, "/status")
    text = status["text"]
    assert "Ответили 90 из 100 школ, из них с опозданием 4." in text
    for label in INDICATORS:
        block = _below_block(text, label)
        assert len(block) == BELOW_SHOWN + 1
        assert block[-1] == f"…и ещё {90 - BELOW_SHOWN} школ — полный список: /export"
    # The worst first: school i has i of 300 students active.
    students = _below_block(text, "Обучающихся, активных в Сферуме")
    assert [line.split(" — ")[0] for line in students[:BELOW_SHOWN]] == [
        _name(i) for i in range(BELOW_SHOWN)
    ]
    # The schools to chase are all still named.
    assert "Не ответили (10 школ):" in text
    assert all(f"{_name(i)} — Рук Школы{i}" in text for i in range(90, 100))


async def test_a_district_of_60_names_its_worst_and_counts_the_rest(
    db: Database, clock: FakeClock
) -> None:
    await _seed(db, clock, schools=60, answered=30)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        # 30 schools to chase, each with its head, may take a second message.
        sent = await bot.say(OFFICIAL, "/status")
    text = "\n".join(item["text"] for item in sent)
    students = _below_block(text, "Обучающихся, активных в Сферуме")
    assert students[0] == f"{_name(0)} — 0,00 %"
    assert students[-1] == "…и ещё 25 школ — полный список: /export"
