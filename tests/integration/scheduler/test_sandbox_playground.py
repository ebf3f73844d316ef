"""The sandbox's playground: its page, «Начать с демо-района» (the demo's world, once) and
the clock panel's list of what the scheduler does next."""

from __future__ import annotations

import aiohttp

from bot.sandbox import Sandbox


async def test_the_demo_district_loads_once_and_the_panel_lists_the_week(
    sandbox: Sandbox,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sandbox.base_url}/") as page:
            assert page.status == 200
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
            assert "Начать с демо-района" in await page.text()
        async with http.get(f"{sandbox.base_url}/_sandbox/upcoming") as empty:
            assert (await empty.json())["items"] == []
        async with http.post(f"{sandbox.base_url}/_sandbox/demo") as first:
            assert (await first.json())["created"] is True
        async with http.post(f"{sandbox.base_url}/_sandbox/demo") as again:
            assert (await again.json())["created"] is False
        async with http.get(f"{sandbox.base_url}/_sandbox/upcoming") as listed:
            panel = await listed.json()
    assert sandbox.emulator is not None
    heads = [
        item
        for item in sandbox.emulator.sent_items()
        if item["text"].startswith("Спасибо, всё готово!")
    ]
    # It is Monday 09:00: this week's reminders, deadline and summary come next.
    assert [(item["when"], item["what"]) for item in panel["items"][:4]] == [
        ("чт 24.10 в 15:00", "напоминание не ответившим"),
        ("пт 25.10 в 10:00", "напоминание не ответившим"),
        ("пт 25.10 в 16:00", "срок ответа"),
        ("пт 25.10 в 17:00", "сводка в беседу района"),
    ]
    assert panel["next_monday"] == "2024-10-28T09:00:00+03:00"
    assert panel["friday"] == "2024-10-25T17:00:00+03:00"
    assert len(heads) == 12
