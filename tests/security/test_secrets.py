"""The token and the callback secret never reach a log line, even at DEBUG and in tracebacks;
message texts never reach INFO."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from vkbottle.bot import BotLabeler, Message
from yarl import URL

import handlers
from bot.app import build_app
from bot.clock import FakeClock
from bot.emulator import Emulator, start_emulator
from bot.logs import SecretMask, setup_logging
from bot.runtime.longpoll import read_long_poll
from bot.texts import common as texts
from bot.texts import help as help_texts
from storage.db import Database
from tests.utils.harness import TOKEN, emulator_settings, running_bot

CALLBACK_SECRET = "callback-secret-Zx81Qw"
PRIVATE_TEXT = "Патимат Алиева, 233 ученика, телефон 89281234567"


@pytest.fixture
def logs(capfd: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield capfd
    root.handlers[:], level = saved
    root.setLevel(level)


def _url_with_token(token: str) -> URL:
    return URL(f"http://127.0.0.1/method/messages.send?access_token={token}&v=5.199")


def _aiohttp_error(token: str) -> aiohttp.ClientResponseError:
    """What aiohttp raises on an HTTP error: its text quotes the URL, token and all."""
    url = _url_with_token(token)
    info = aiohttp.RequestInfo(url, "POST", CIMultiDictProxy(CIMultiDict()), url)
    return aiohttp.ClientResponseError(info, (), status=502, message="Bad Gateway")


def test_mask_hides_known_secrets_and_token_shaped_values() -> None:
    mask = SecretMask([TOKEN, "short"])
    assert TOKEN not in mask.mask(f"token {TOKEN} and {TOKEN}x")
    # An unknown token (another community's, a user's) is still recognised by its shape.
    for text in (
        str(_aiohttp_error("vk1.a.unknownTOKEN_value-42")),
        '{"access_token": "vk1.a.unknownTOKEN_value-42", "v": "5.199"}',
        "access_token=vk1.a.unknownTOKEN_value-42",
        "ACCESS_TOKEN='vk1.a.unknownTOKEN_value-42';",
    ):
        masked = mask.mask(text)
        assert "unknownTOKEN" not in masked and "***" in masked, text
    masked = mask.mask("postgresql+asyncpg://svodka:pa55word@db:5432/svodka")
    assert masked == "postgresql+asyncpg://svodka:***@db:5432/svodka"
    assert mask.mask("short text stays") == "short text stays"  # under 6 chars: not a secret


def test_mask_covers_tracebacks(logs: pytest.CaptureFixture[str]) -> None:
    setup_logging("DEBUG", [TOKEN])
    log = logging.getLogger("svodka.test")
    try:
        raise _aiohttp_error(TOKEN)
    except aiohttp.ClientResponseError:
        log.exception("send failed for %s", _url_with_token("other-token-123456"))
    err = logs.readouterr().err
    assert "ClientResponseError" in err and "Traceback" in err
    assert TOKEN not in err and "other-token-123456" not in err
    assert err.count("access_token=***") == 2


def _failing_labeler() -> BotLabeler:
    labeler = BotLabeler()

    @labeler.private_message(text="сломай")
    async def boom(message: Message) -> None:
        raise _aiohttp_error(TOKEN)

    return labeler


async def test_bot_at_debug_under_faults_never_logs_secrets(
    sqlite_db: Database,
    clock: FakeClock,
    logs: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    setup_logging("DEBUG", [TOKEN, CALLBACK_SECRET])
    monkeypatch.setattr(handlers, "labelers", [_failing_labeler(), *handlers.labelers])
    # 100 is an admin: a stranger would get the bot's introduction instead of the hint.
    async with running_bot(
        sqlite_db, clock, callback_secret=CALLBACK_SECRET, admin_ids=[100]
    ) as bot:
        bot.user(100)
        # A handler exception whose text quotes the token.
        assert bot.texts(100) == []
        await bot.say(100, "сломай")
        # Dropped connections and 5xx on the way out: retried and logged.
        bot.emulator.inject_fault(drop_connections=2)
        await bot.say(100, "раз")
        bot.emulator.inject_fault(http_status=502, times=1)
        await bot.say(100, "два")
        bot.emulator.inject_fault(method="messages.send", error_code=10, times=2)
        await bot.say(100, PRIVATE_TEXT)
        sent = bot.texts(100)
    assert sent[0] == texts.SOMETHING_WENT_WRONG
    # A stranger's further messages get the onboarding greeting (not every one of them).
    assert len(sent) >= 2 and texts.SOMETHING_WENT_WRONG not in sent[1:]
    err = logs.readouterr().err
    assert "handler failed" in err and "retry" in err  # the faults really were logged
    assert TOKEN not in err and CALLBACK_SECRET not in err


async def test_a_wrong_token_is_reported_without_echoing_it(
    sqlite_db: Database, clock: FakeClock, logs: pytest.CaptureFixture[str]
) -> None:
    wrong = "wrong-token-0f9e8d7c6b5a"
    setup_logging("DEBUG", [wrong])
    emulator = Emulator(token=TOKEN, group_id=1, now=lambda: clock.now().timestamp())
    runner, base_url = await start_emulator(emulator)
    settings = await emulator_settings(emulator, base_url, vk_token=wrong)
    app = build_app(settings=settings, db=sqlite_db, clock=clock)
    try:
        poller = asyncio.create_task(read_long_poll(app, asyncio.Event()))
        for _ in range(500):
            if emulator.errors["5"] or poller.done():
                break
            await asyncio.sleep(0.01)
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)
    finally:
        await app.close()
        await runner.cleanup()
    assert emulator.errors["5"] >= 1
    out = logs.readouterr()
    assert wrong not in out.err + out.out and TOKEN not in out.err + out.out


async def test_message_texts_stay_out_of_info_logs(
    sqlite_db: Database, clock: FakeClock, logs: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", [TOKEN])
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(100, "Патимат", "Алиева")
        bot.emulator.flood_limit = 1_000  # VK's equal-text limit would only add backoff here
        bot.emulator.inject_fault(method="messages.send", error_code=9, times=1)
        await bot.say(100, PRIVATE_TEXT)
        for n in range(30):  # a flood: the shedding is logged, the texts are not
            await bot.emulator.deliver_message(100, f"{PRIVATE_TEXT} {n}")
        await bot.settle()
    err = logs.readouterr().err
    assert "flood" in err
    for private in ("Патимат", "Алиева", "89281234567", help_texts.NOT_UNDERSTOOD):
        assert private not in err
