"""Browser tests: the machine's own Chromium (Debian's `chromium` + `chromium-driver`), driven
by Selenium, against a real `svodka sandbox` process. Skipped, saying so, where no Chromium
is installed; screenshots go to test-artifacts/browser/ (gitignored)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "browser"
START_TIMEOUT_S = 60.0
# Sunday 10 November 2024, noon in Moscow: the demo's week 2024-W46 starts the next morning.
SANDBOX_START = "2024-11-10T12:00:00+03:00"
# Debian's Chromium as a test browser on a machine with no network: nothing of its own
# phones home, and each test gets a profile of its own.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    "--lang=ru-RU",
)


def chromium_missing() -> str | None:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        return "no Chromium here: browser tests skipped (apt-get install chromium chromium-driver)"
    return None


@dataclass
class Sandbox:
    """A running `svodka sandbox`: its address and its control API."""

    url: str
    database_url: str

    def request(self, method: str, path: str, body: Any = None, cookie: str | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data else {}
        if cookie:
            headers["Cookie"] = cookie
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def status(self, path: str, cookie: str | None = None) -> tuple[int, bytes]:
        """GET a page as a browser with this cookie would: the status and the body."""
        request = urllib.request.Request(self.url + path, headers={"Cookie": cookie or ""})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def say(self, vk_id: int, text: str, peer_id: int | None = None) -> list[dict[str, Any]]:
        """A person writes; returns what the bot sent back to that conversation."""
        peer = peer_id or vk_id
        mark = self.last_sent()
        self.request("POST", "/_emu/messages", {"from_id": vk_id, "peer_id": peer, "text": text})
        return self.request("GET", f"/_emu/sent?peer_id={peer}&after={mark}&wait=30")["items"]

    def last_sent(self) -> int:
        items = self.request("GET", "/_emu/sent")["items"]
        return items[-1]["id"] if items else 0

    def sign_in_link(self, vk_id: int) -> str:
        [reply] = self.say(vk_id, "/web")
        found = re.search(r"http://\S+/web/signin/\S+", reply["text"])
        assert found, reply["text"]
        return found.group(0)

    def advance(self, seconds: float) -> None:
        self.request("POST", "/_sandbox/clock", {"advance_s": seconds})


def start_sandbox(tmp_path: Path, database_url: str, web: bool) -> Iterator[Sandbox]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WEB_ENABLED": "true" if web else "false",
        "SEND_RPS": "1000",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("WEB_BASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0", "--now", SANDBOX_START],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "sandbox.log").open("w"),
        text=True,
    )
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            if line.startswith("Песочница запущена: "):
                url = line.split(": ", 1)[1].strip()
                break
        assert url, (tmp_path / "sandbox.log").read_text()
        yield Sandbox(url, database_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
