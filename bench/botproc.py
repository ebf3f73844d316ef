"""A bot under test, in a process of its own: svodka as `svodka run` serves it, the bare
vkbottle echo bot that is the baseline, or the floor (the echo bot storing each step).

    python -m bench.botproc svodka --api-url URL --database-url URL [--schema S] --state-dir D
    python -m bench.botproc echo --api-url URL
    python -m bench.botproc floor --api-url URL --database-url URL [--schema S]

Runs until SIGTERM (svodka stops as `svodka run` does: it finishes what is in flight); then
prints one JSON line with what it knows about the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from typing import Any

from vkbottle import API, Bot, GroupEventType
from vkbottle.bot import Message, MessageEvent

from bench.common import GROUP_ID, TOKEN

# A school week's Monday, 09:00 MSK: the check-in needs an open round whatever the date of
# the run (holidays and summer have none).
SCHOOL_WEEK = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)


class ShiftedClock:
    """Real time moved so that the bot starts at `start`: the clock still runs."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def run_echo(args: argparse.Namespace) -> dict[str, Any]:
    class LocalAPI(API):
        API_URL = args.api_url

    bot = Bot(api=LocalAPI(TOKEN))

    @bot.on.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    # A callback button: the bare framework's equivalent of svodka's «Отправить» step.
    @bot.on.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    async def pressed(event: MessageEvent) -> None:
        await event.send_empty_answer()
        await event.send_message(str(event.payload))

    try:
        await _until_terminated(bot.run_polling())
    finally:
        await bot.api.http_client.close()
    return {}


async def run_floor(args: argparse.Namespace) -> dict[str, Any]:
    """The echo bot plus the least a step of a dialog stores: the person's row read and
    written in one transaction, then the reply. SQLAlchemy Core on svodka's database set-up
    (`storage.db.open_database`: its pool, pragmas and, on SQLite, its one write connection),
    writing through `Database.engine` as svodka's writes do. What any bot on this stack pays
    per step before it does anything of its own."""
    from sqlalchemy import (
        BigInteger,
        Column,
        Integer,
        MetaData,
        Table,
        Text,
        bindparam,
        func,
        select,
    )

    from storage.db import open_database

    steps = Table(
        "bench_floor",
        MetaData(),
        Column("vk_id", BigInteger, primary_key=True),
        Column("step", Integer, nullable=False),
        Column("text", Text, nullable=False),
    )
    db = open_database(args.database_url, **_engine_options(args))
    engine = db.engine
    async with engine.begin() as connection:
        await connection.run_sync(steps.metadata.create_all)

    # Built once, as svodka builds its hot statements: the floor pays no more than it must.
    find = select(steps.c.step).where(steps.c.vk_id == bindparam("vk_id"))
    add = steps.insert()
    advance = steps.update().where(steps.c.vk_id == bindparam("who"))

    async def remember(vk_id: int, text: str) -> None:
        async with engine.begin() as connection:
            step = (await connection.execute(find, {"vk_id": vk_id})).scalar()
            if step is None:
                await connection.execute(add, {"vk_id": vk_id, "step": 1, "text": text})
            else:
                await connection.execute(advance, {"who": vk_id, "step": step + 1, "text": text})

    class LocalAPI(API):
        API_URL = args.api_url

    bot = Bot(api=LocalAPI(TOKEN))

    @bot.on.message()
    async def echo(message: Message) -> None:
        await remember(message.from_id, message.text)
        await message.answer(message.text)

    @bot.on.raw_event(GroupEventType.MESSAGE_EVENT, dataclass=MessageEvent)
    async def pressed(event: MessageEvent) -> None:
        await remember(event.user_id, str(event.payload))
        await event.send_empty_answer()
        await event.send_message(str(event.payload))

    try:
        await _until_terminated(bot.run_polling())
        async with engine.connect() as connection:
            stored = await connection.scalar(select(func.sum(steps.c.step)))
    finally:
        await bot.api.http_client.close()
        await db.dispose()
    return {"steps_stored": stored or 0}


def _engine_options(args: argparse.Namespace) -> dict[str, Any]:
    if not args.schema:
        return {}
    return {"connect_args": {"server_settings": {"search_path": args.schema}}}


async def run_svodka(args: argparse.Namespace) -> dict[str, Any]:
    """The bot as `svodka run` serves it (migration, app, instance, stop on SIGTERM through
    bot.commands.run.serve), on the benchmark's clock and database, without the scheduler:
    its ticks would send the week's prompts into the dialogs measured (bench/tick.py and
    bench/fanout.py time them)."""
    from bot.app import build_app
    from bot.commands.context import migrated_database
    from bot.commands.run import serve
    from bot.config import load_settings
    from bot.logs import setup_logging
    from bot.runtime.instance import Instance, Options

    settings = load_settings(
        _env_file=None,
        vk_token=TOKEN,
        vk_group_id=GROUP_ID,
        vk_api_url=args.api_url,
        database_url=args.database_url,
        # Without a limit by default: measure the bot, not VK's 20 requests/s.
        send_rps=args.send_rps,
        log_level="WARNING",
    )
    setup_logging(settings.log_level, [TOKEN])
    async with migrated_database(settings, **_engine_options(args)) as db:
        app = build_app(
            settings=settings,
            db=db,
            clock=ShiftedClock(SCHOOL_WEEK),
        )
        await serve(Instance(app, Options()))
    stats = app.pipeline.stats
    return {"processed": stats.processed, "failed": stats.failed, "shed": stats.shed,
            "duplicates": stats.duplicates, "max_backlog": stats.max_backlog}  # fmt: skip


async def _until_terminated(coroutine: Any) -> None:
    task = asyncio.ensure_future(coroutine)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _count_statements() -> dict[str, int]:
    """SQL statements and commits of every engine in this process, as they happen: what a
    step costs the database side, counted instead of timed (steady on a noisy host)."""
    from sqlalchemy import Engine, event

    counts = {"statements": 0, "commits": 0}

    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def commit(*_: Any) -> None:
        counts["commits"] += 1

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["svodka", "echo", "floor"])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--schema")
    parser.add_argument("--state-dir", default=".")
    parser.add_argument("--send-rps", type=float, default=1000)
    args = parser.parse_args(argv)
    if args.kind != "svodka":
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.chdir(args.state_dir)  # vkbottle writes ./.vkbottle/
    runner = {"svodka": run_svodka, "echo": run_echo, "floor": run_floor}[args.kind]
    statements = _count_statements()
    profile_to = os.environ.get("BENCH_CPROFILE")
    if profile_to:
        import cProfile

        with cProfile.Profile() as profiler:
            report = asyncio.run(runner(args))
        profiler.dump_stats(f"{profile_to}.{args.kind}")
    else:
        report = asyncio.run(runner(args))
    if args.kind != "echo":
        report.update(statements)
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
