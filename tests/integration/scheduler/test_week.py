"""A whole week of one district through the emulator, with answers at different times."""

from __future__ import annotations

from collections import Counter

from tests.integration.scheduler.world import (
    CHAT_PEER,
    OFFICIAL_VK,
    World,
    deputy_vk,
    head_vk,
    moscow,
    write_transactions_of_idle_ticks,
)


async def _play_week(world: World, restart: bool = False) -> None:
    scheduler = world.scheduler()
    steps = [
        ("2024-10-21 12:00", 0),  # Monday, right after the prompt
        ("2024-10-24 14:00", 1),  # Thursday, before the first reminder
        ("2024-10-24 16:00", 2),  # after the first reminder
        ("2024-10-25 15:00", 3),  # Friday, after the second reminder, before the deadline
        ("2024-10-25 18:00", 4),  # late: after the summary
    ]
    for at, school in steps:
        await scheduler.run_due(moscow(at))
        await world.answer(school)
        if restart:
            scheduler = world.scheduler(f"after-{school}")
    await scheduler.run_due(moscow("2024-10-28 09:01"))


async def test_full_week(world: World) -> None:
    await world.seed()
    await _play_week(world)

    delivered = await world.delivered()
    prompts = {peer: n for (kind, peer), n in delivered.items() if kind == "prompt"}
    assert prompts == {peer: 1 for peer in [*map(head_vk, range(12)), deputy_vk(0), deputy_vk(1)]}
    reminders = Counter({peer: n for (kind, peer), n in delivered.items() if kind == "reminder"})
    assert reminders == {head_vk(2): 1, **{head_vk(i): 2 for i in range(3, 12)}}
    assert delivered[("summary", CHAT_PEER)] == 1
    assert delivered[("escalation", OFFICIAL_VK)] == 1
    assert not [key for key in delivered if key[0] == "other"]

    summary = world.texts(CHAT_PEER)[0]
    assert "Ответили 4 из 12 школ." in summary
    assert "опоздани" not in summary
    assert f"[id{head_vk(11)}|Глава11 Ф]" in summary
    assert f"[id{head_vk(0)}|" not in summary
    assert "%" in summary
    escalation = world.texts(OFFICIAL_VK)[0]
    assert "не ответили 7 школ из 12:" in escalation
    prompt = world.texts(head_vk(0))[0]
    assert prompt.startswith("Здравствуйте, Глава0!")
    assert "до 16:00, пятница, 25 октября" in prompt
    keyboard = world.emulator.sent_items(head_vk(0))[0]["keyboard"]
    assert keyboard["buttons"][0][0]["action"]["payload"] == '{"c":"start"}'
    assert {row.status for row in await world.outbox()} <= {"sent", "cancelled"}


async def test_restart_between_every_step(world: World) -> None:
    await world.seed()
    await _play_week(world, restart=True)
    delivered = await world.delivered()
    assert sum(n for (kind, _), n in delivered.items() if kind == "prompt") == 14
    assert sum(n for (kind, _), n in delivered.items() if kind == "reminder") == 19
    assert delivered[("summary", CHAT_PEER)] == 1
    assert delivered[("escalation", OFFICIAL_VK)] == 1


async def test_idle_tick_writes_nothing(world: World) -> None:
    await world.seed()
    scheduler = world.scheduler()
    await scheduler.run_due(moscow("2024-10-21 10:00"))
    rows = await world.row_count()
    sent = len(world.emulator.sent_items())
    write_transactions = await write_transactions_of_idle_ticks(world, scheduler)
    # Not even an empty one: on SQLite it would hold check-ins behind the write lock.
    assert write_transactions == 0
    assert await world.row_count() == rows
    assert len(world.emulator.sent_items()) == sent
