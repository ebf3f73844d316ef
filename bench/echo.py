"""How many messages/s a bare vkbottle echo bot gets through the emulator: the emulator's own
capacity, the ceiling every other inbound figure lives under.

The emulator and the bot (`bench.botproc echo`) run in processes of their own; the messages
are injected in bulk through the control API and the replies read back from `/_emu/sent`.
The emulator's CPU time shows whether it, rather than the bot, was the bottleneck.

    python -m bench.echo [--quick] [--users 100] [--messages 200] [--chunk 500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

import aiohttp

from bench.common import Emulator, Result, cpu_seconds, run_benchmark, stop_process
from bench.inbound import spawn_bot
from bot.emulator.client import EmulatorClient


@dataclass(frozen=True)
class Sizes:
    users: int
    messages: int  # per user
    chunk: int  # messages per control request


async def run_all(sizes: Sizes, _engines: list[str]) -> list[Result]:
    total = sizes.users * sizes.messages
    batch = [{"from_id": 1 + n % sizes.users, "text": f"m{n}"} for n in range(total)]
    with tempfile.TemporaryDirectory() as state_dir:
        async with Emulator() as emulator, aiohttp.ClientSession() as http:
            client = EmulatorClient(emulator.base_url, http)
            bot = await spawn_bot("echo", emulator.api_url, None, state_dir, 0)
            try:
                if await client.wait_pollers(1, wait=60) < 1:
                    raise RuntimeError("the echo bot did not start polling")
                assert emulator.process is not None
                cpu_before, started = cpu_seconds(emulator.process.pid), time.perf_counter()
                for start in range(0, total, sizes.chunk):
                    await client.send_messages(batch[start : start + sizes.chunk])
                replies = await _replies(client, total)
                seconds = time.perf_counter() - started
                emulator_cpu_s = cpu_seconds(emulator.process.pid) - cpu_before
                stats = await client.stats()
            finally:
                await stop_process(bot)
    params = {**asdict(sizes), "replies": replies, "longpoll_checks": stats["longpoll_checks"],
              "emulator_cpu_s": round(emulator_cpu_s, 2), "seconds": round(seconds, 2)}  # fmt: skip
    return [Result("emulator_echo", "messages_per_s", round(total / seconds, 1), "msg/s", None,
                   params)]  # fmt: skip


async def _replies(client: EmulatorClient, total: int) -> int:
    """Wait for `total` replies; how many came."""
    seen, after = 0, 0
    while seen < total:
        items = await client.sent(after=after, wait=10)
        if not items:
            raise RuntimeError(f"stalled after {seen} of {total} replies")
        seen += len(items)
        after = items[-1]["id"]
    return seen


def parse_args(argv: list[str] | None) -> tuple[Sizes, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--users", type=int, help="people writing (100)")
    parser.add_argument("--messages", type=int, help="messages per person (200)")
    parser.add_argument("--chunk", type=int, default=500, help="messages per control request")
    args = parser.parse_args(argv)
    users, messages = (5, 4) if args.quick else (100, 200)
    return Sizes(args.users or users, args.messages or messages, args.chunk), []


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(parse_args, run_all, argv)


if __name__ == "__main__":
    sys.exit(main())
