"""The playground as a visitor uses it, in Chromium: start the demo district, be a head,
answer the Monday prompt step by step, move the clock to Friday 17:00 and read the summary
in the district chat. What the page shows is checked against what the emulator logged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Sandbox, screenshot, start_sandbox

HEAD = "Патимат Гаджиева"  # head of МКОУ «Дегвинская СОШ» in the demo
HEAD_ID = 100001
CHAT_PEER = 2_000_000_001
# Typed one by one in the order the questionnaire asks: staff, teachers with a chat, active
# teachers, students, active students, classes, class chats.
NUMBERS = ("20", "18", "12", "9", "152", "74", "11", "10")
WAIT_S = 60


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    yield from start_sandbox(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/play.db", web=False)


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(condition)


def _bot_messages(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#messages .msg.bot")


def _after_reply(driver: Any, action: Any) -> None:
    """Do something in the page and wait until the bot's answer to it is shown."""
    before = len(_bot_messages(driver))
    action()
    _wait(driver, lambda d: len(_bot_messages(d)) > before)


def _press(driver: Any, label: str) -> None:
    from selenium.webdriver.common.by import By

    xpath = f"(//div[contains(@class,'kbd')]//button[normalize-space()='{label}'])[last()]"
    _wait(driver, lambda d: d.find_elements(By.XPATH, xpath))
    driver.find_element(By.XPATH, xpath).click()


def _type(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "text")
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def test_a_visitor_answers_as_a_head_and_sees_the_friday_summary(
    browser: Any, sandbox: Sandbox
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(sandbox.url + "/")
    assert "Песочница" in browser.title
    browser.find_element(By.ID, "start-demo").click()
    _wait(browser, lambda d: "Демо-район готов" in d.find_element(By.ID, "clock-status").text)

    browser.find_element(By.XPATH, f"//ul[@id='people']//button[contains(., '{HEAD}')]").click()
    _wait(browser, lambda d: f"Вы пишете как {HEAD}" in d.find_element(By.ID, "who").text)
    _after_reply(browser, lambda: browser.find_element(By.ID, "next-monday").click())
    prompt = _bot_messages(browser)[-1].text
    assert "Пора заполнить еженедельный мониторинг" in prompt
    assert "Дегвинская СОШ" in prompt

    _after_reply(browser, lambda: _press(browser, "Заполнить"))
    for number in NUMBERS:
        _after_reply(browser, lambda number=number: _type(browser, number))
    _after_reply(browser, lambda: _press(browser, "Нет"))  # no foreign messengers
    _after_reply(browser, lambda: _press(browser, "Пропустить"))  # no comment
    review = _bot_messages(browser)[-1].text
    assert "152" in review and "74" in review
    screenshot(browser, "playground-review")
    _after_reply(browser, lambda: _press(browser, "Отправить"))

    browser.find_element(By.ID, "friday").click()
    _wait(browser, lambda d: "пт 15.11 в 17:00" in d.find_element(By.ID, "now").text)
    browser.find_element(By.ID, "tab-chat").click()
    _wait(browser, lambda d: any("Итоги за" in m.text for m in _bot_messages(d)))
    summary = next(m.text for m in _bot_messages(browser) if "Итоги за" in m.text)
    screenshot(browser, "playground")
    # The page shows what VK received: the summary the emulator logged for the chat.
    sent = sandbox.request("GET", f"/_emu/sent?peer_id={CHAT_PEER}")["items"]
    [logged] = [item["text"] for item in sent if "Итоги за" in item["text"]]
    assert "Ответили 1 из 12" in logged
    assert logged.splitlines()[0] in summary
    assert "Ответили 1 из 12" in summary
    # 74 of 152 students: the seed's 48,68 %, on the page as in the chat.
    assert "48,68 %" in logged and "48,68 %" in summary
    # Mentions show as names, as VK shows them, not as markup.
    assert "[id100011|" in logged and "[id100011|" not in summary
    assert "Хамис Гусейнов" in summary
    head = sandbox.request("GET", f"/_emu/sent?peer_id={HEAD_ID}")["items"]
    assert any(item["text"].startswith("Спасибо! Отчёт принят") for item in head)
