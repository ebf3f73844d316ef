"""The officials' dashboard in Chromium, served by `svodka sandbox` with WEB_ENABLED=true and
signed in to the way an official does: `/web` to the bot, the link from its reply.

Two districts: the demo's (A, its official 900002, heads answering two weeks) and another (B,
its own official, a school whose name is an XSS attempt), set up before the sandbox starts.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.demo import cast
from bot.demo.script import form_text
from bot.domain.school_table import SchoolRow
from bot.services.admin.districts import import_schools
from bot.services.admin.officials import add_official
from storage.db import open_database
from storage.migrate import upgrade
from tests.browser.conftest import Sandbox, screenshot, start_sandbox

OFFICIAL_A = cast.OFFICIAL[0]
ADMIN = cast.ADMIN[0]
DISTRICT_B = "Каякентский район"
OFFICIAL_B = 900050
XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script> СОШ'
HEADS = cast.heads()
LINK_TTL_S = 15 * 60


async def _second_district(database_url: str) -> None:
    db = open_database(database_url)
    try:
        await upgrade(db.engine)
        now = datetime(2024, 11, 10, 9, 0, tzinfo=UTC)
        async with db.sessions.begin() as session:
            rows = [SchoolRow(2, XSS, None), SchoolRow(3, "МКОУ «Каякентская СОШ №1»", None)]
            await import_schools(
                session=session, district_name=DISTRICT_B, tz="Europe/Moscow", rows=rows, now=now
            )
            await add_official(session=session, vk_id=OFFICIAL_B, district_name=DISTRICT_B, now=now)
    finally:
        await db.dispose()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    url = f"sqlite+aiosqlite:///{tmp_path}/dashboard.db"
    asyncio.run(_second_district(url))
    yield from start_sandbox(tmp_path, url, web=True)


def _ids(sandbox: Sandbox) -> dict[str, int]:
    path = sandbox.database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as connection:
        districts = dict(connection.execute("SELECT name, id FROM districts"))
        schools = dict(connection.execute("SELECT name, id FROM schools"))
    return {
        "A": districts[cast.DISTRICT],
        "B": districts[DISTRICT_B],
        "xss": schools[XSS],
        "own": schools[HEADS[0].school.name],
        "neighbour": schools[HEADS[1].school.name],
    }


def _press(sandbox: Sandbox, vk_id: int, label: str) -> list[dict[str, Any]]:
    """Press the button with this label on the bot's last keyboard in the dialog."""
    items = sandbox.request("GET", f"/_emu/sent?peer_id={vk_id}")["items"]
    for item in reversed(items):
        for row in (item.get("keyboard") or {}).get("buttons") or []:
            for button in row:
                action = button["action"]
                if action.get("label") != label:
                    continue
                mark = sandbox.last_sent()
                if action["type"] == "callback":
                    sandbox.request(
                        "POST",
                        "/_emu/events",
                        {
                            "user_id": vk_id,
                            "peer_id": vk_id,
                            "payload": action["payload"],
                            "conversation_message_id": item["conversation_message_id"],
                        },
                    )
                else:
                    sandbox.request(
                        "POST",
                        "/_emu/messages",
                        {"from_id": vk_id, "text": label, "payload": action["payload"]},
                    )
                path = f"/_emu/sent?peer_id={vk_id}&after={mark}&wait=30"
                return sandbox.request("GET", path)["items"]
    raise LookupError(label)


def _answer(sandbox: Sandbox, vk_id: int, answers: dict[str, Any]) -> None:
    """The whole form in one message, the optional comment skipped, then «Отправить»."""
    sandbox.say(vk_id, form_text(answers))
    for _ in range(3):
        try:
            _press(sandbox, vk_id, "Пропустить")
        except LookupError:
            break
    replies = _press(sandbox, vk_id, "Отправить")
    assert any(r["text"].startswith("Спасибо! Отчёт принят") for r in replies), replies


def _two_weeks(sandbox: Sandbox) -> None:
    """Week 2024-W46: three schools answer; W47: four, with more active students."""
    sandbox.request("POST", "/_sandbox/demo")
    sandbox.request("POST", "/_sandbox/clock", {"now": "2024-11-11T10:00:00+03:00"})
    for week, heads, extra in ((0, HEADS[:3], 0), (1, HEADS[:4], 9)):
        if week:
            sandbox.request("POST", "/_sandbox/clock", {"now": "2024-11-18T10:00:00+03:00"})
        for head in heads:
            school = head.school
            answers = cast.weekly_answers(school, 0, random.Random(head.vk_id))
            answers["students_active"] = min(school.students_total, school.students_active + extra)
            _answer(sandbox, head.vk_id, answers)


def _cookie(driver: Any) -> str:
    found = driver.get_cookie("svodka_session")
    assert found is not None, "no session cookie"
    assert found["httpOnly"] and found["sameSite"] == "Strict"
    return f"svodka_session={found['value']}"


def _sign_in(driver: Any, sandbox: Sandbox, vk_id: int) -> str:
    driver.delete_all_cookies()
    driver.get(sandbox.sign_in_link(vk_id))
    _wait_for_home(driver)
    return _cookie(driver)


def _wait_for_home(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: d.current_url.endswith("/web/"))


def _status_lines(text: str) -> dict[str, tuple[str, str]]:
    """/status's indicator lines: label → (value, change)."""
    found = {}
    for line in text.splitlines():
        matched = re.fullmatch(r"• (.+?) — (\S+ %)(?: \((.+) за неделю\))?", line)
        if matched:
            found[matched[1]] = (matched[2], matched[3] or "—")
    return found


def test_the_district_table_matches_status_to_the_figure(browser: Any, sandbox: Sandbox) -> None:
    from selenium.webdriver.common.by import By

    _two_weeks(sandbox)
    ids = _ids(sandbox)
    _sign_in(browser, sandbox, OFFICIAL_A)
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.links a")] == [cast.DISTRICT]
    browser.find_element(By.LINK_TEXT, cast.DISTRICT).click()
    [status] = sandbox.say(OFFICIAL_A, "/status")
    expected = _status_lines(status["text"])
    shown = {
        row.find_element(By.TAG_NAME, "th").text: (
            row.find_elements(By.TAG_NAME, "td")[0].text,
            row.find_elements(By.TAG_NAME, "td")[1].text,
        )
        for row in browser.find_elements(By.CSS_SELECTOR, "#indicators tbody tr")
    }
    assert len(expected) == 5
    assert shown == expected
    assert any("▲" in change for _, change in shown.values())
    assert "Ответили 4 из 12" in status["text"]
    assert browser.find_element(By.ID, "answered").text.startswith("Ответили 4 из 12")
    missing = browser.find_elements(By.CSS_SELECTOR, "#missing tbody tr")
    assert len(missing) == 8
    assert "vk.com/id" in missing[0].find_element(By.TAG_NAME, "a").get_attribute("href")
    # The charts are the bot's own PNGs, served to this official.
    for image in browser.find_elements(By.CSS_SELECTOR, "img.chart"):
        assert browser.execute_script("return arguments[0].naturalWidth", image) > 0
    screenshot(browser, "dashboard")
    # The week picker shows the week before, with its own figures.
    browser.get(f"{sandbox.url}/web/d/{ids['A']}?week=2024-W46")
    assert "Ответили 3 из 12" in browser.find_element(By.ID, "answered").text


def test_a_sign_in_link_works_once_and_only_for_15_minutes(browser: Any, sandbox: Sandbox) -> None:
    from selenium.webdriver.common.by import By

    sandbox.request("POST", "/_sandbox/demo")
    link = sandbox.sign_in_link(OFFICIAL_A)
    browser.get(link)
    _wait_for_home(browser)
    cookie = _cookie(browser)
    assert sandbox.status("/web/", cookie)[0] == 200

    browser.delete_all_cookies()
    browser.get(link)  # the same link again
    assert "уже использована" in browser.find_element(By.ID, "signin-text").text
    assert sandbox.status(link.removeprefix(sandbox.url))[0] == 403

    late = sandbox.sign_in_link(OFFICIAL_A)
    sandbox.advance(LINK_TTL_S + 1)
    browser.get(late)
    assert "устарела" in browser.find_element(By.ID, "signin-text").text
    assert browser.get_cookie("svodka_session") is None

    in_time = sandbox.sign_in_link(OFFICIAL_A)
    sandbox.advance(LINK_TTL_S - 60)
    browser.get(in_time)
    _wait_for_home(browser)
    assert sandbox.status("/web/", _cookie(browser))[0] == 200

    # `/web выйти` ends every session of the person.
    [bye] = sandbox.say(OFFICIAL_A, "/web выйти")
    assert "вышли" in bye["text"]
    assert sandbox.status("/web/", cookie)[0] == 401


def test_each_person_sees_only_what_the_chat_would_show_them(
    browser: Any, sandbox: Sandbox
) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.alert import Alert
    from selenium.webdriver.common.by import By

    sandbox.request("POST", "/_sandbox/demo")
    ids = _ids(sandbox)
    b, a = ids["B"], ids["A"]
    foreign = [
        f"/web/d/{b}",
        f"/web/d/{b}?week=2024-W46",
        f"/web/d/{b}/export.xlsx",
        f"/web/d/{b}/export.csv",
        f"/web/d/{b}/trend.png",
        f"/web/d/{b}/schools.png",
        f"/web/s/{ids['xss']}",
        "/web/region",
    ]
    official = _sign_in(browser, sandbox, OFFICIAL_A)
    assert sandbox.status(f"/web/d/{a}", official)[0] == 200
    status, xlsx = sandbox.status(f"/web/d/{a}/export.xlsx", official)
    assert status == 200 and xlsx.startswith(b"PK")
    assert [sandbox.status(path, official)[0] for path in foreign] == [404] * len(foreign)
    browser.get(f"{sandbox.url}/web/d/{b}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"

    head = _sign_in(browser, sandbox, HEADS[0].vk_id)
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ul.links a")] == [
        HEADS[0].school.name
    ]
    assert sandbox.status(f"/web/s/{ids['own']}", head)[0] == 200
    own_district = [f"/web/d/{a}", f"/web/d/{a}/export.xlsx", f"/web/d/{a}/trend.png"]
    closed = [*own_district, f"/web/s/{ids['neighbour']}", *foreign]
    assert [sandbox.status(path, head)[0] for path in closed] == [404] * len(closed)
    assert sandbox.status(f"/web/d/{a}", "svodka_session=forged")[0] == 401

    admin = _sign_in(browser, sandbox, ADMIN)
    browser.get(f"{sandbox.url}/web/d/{b}")
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#schools tbody th")]
    assert XSS in names  # shown as text, not run
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert browser.find_elements(By.CSS_SELECTOR, "main img:not(.chart)") == []
    with pytest.raises(NoAlertPresentException):
        _ = Alert(browser).text
    page = sandbox.status(f"/web/d/{b}", admin)[1].decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "<script>" not in page

    # Taking the role away closes the dashboard at the next page.
    sandbox.say(ADMIN, f"/official remove {OFFICIAL_A} {cast.DISTRICT}")
    assert sandbox.status(f"/web/d/{a}", official)[0] == 403


def test_the_region_table_sorts_by_a_column(browser: Any, sandbox: Sandbox) -> None:
    from selenium.webdriver.common.by import By

    sandbox.request("POST", "/_sandbox/demo")
    _sign_in(browser, sandbox, ADMIN)
    browser.find_element(By.ID, "region").click()

    def order() -> list[str]:
        return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#region tbody th")]

    assert order() == sorted([cast.DISTRICT, DISTRICT_B])
    browser.find_element(By.PARTIAL_LINK_TEXT, "Район").click()
    assert order() == sorted([cast.DISTRICT, DISTRICT_B], reverse=True)
    screenshot(browser, "dashboard-region")
