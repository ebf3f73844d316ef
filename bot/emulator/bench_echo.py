"""How many messages/s a bare vkbottle echo bot gets through the emulator.

The emulator runs in its own process (as in the demo), the bot in this one; messages are
injected in bulk through the control API and replies read back from `/_emu/sent`.

    .venv/bin/python -m bot.emulator.bench_echo --users 100 --messages 200
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import resource
import sys
import tempfile
import time

import aiohttp
from vkbottle import API, Bot
from vkbottle.bot import Message

from .client import EmulatorClient

logger = logging.getLogger(__name__)
TOKEN = "bench-token"


async def _spawn_emulator() -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", "0", "--token", TOKEN, "--rps", "0",
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    while True:
        line = (await asyncio.wait_for(process.stderr.readline(), 10)).decode()
        if not line:
            raise RuntimeError("the emulator exited before it was ready")
        match = re.search(r"VK_API_URL=(\S+)/method/", line)
        if match:
            return process, match.group(1)


def _echo_bot(base_url: str) -> Bot:
    class LocalAPI(API):
        API_URL = base_url + "/method/"

    bot = Bot(api=LocalAPI(TOKEN))

    @bot.on.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    return bot


async def run(users: int, messages: int, chunk: int) -> dict[str, float]:
    process, base_url = await _spawn_emulator()
    bot = _echo_bot(base_url)
    polling = asyncio.create_task(bot.run_polling())
    total = users * messages
    try:
        async with aiohttp.ClientSession() as session:
            emu = EmulatorClient(base_url, session)
            await emu.wait_pollers(1, wait=10)
            batch = [{"from_id": 1 + n % users, "text": f"m{n}"} for n in range(total)]
            started = time.perf_counter()
            for start in range(0, total, chunk):
                await emu.send_messages(batch[start : start + chunk])
            seen, after = 0, 0
            while seen < total:
                items = await emu.sent(after=after, wait=10)
                if not items:
                    raise RuntimeError(f"stalled after {seen} of {total} replies")
                seen += len(items)
                after = items[-1]["id"]
            elapsed = time.perf_counter() - started
            stats = await emu.stats()
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await bot.api.http_client.close()
        process.terminate()
        await process.wait()
    # The emulator's CPU time shows whether it, rather than the bot, was the bottleneck.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"messages": total, "seconds": elapsed, "per_second": total / elapsed,
            "longpoll_checks": stats["longpoll_checks"],
            "emulator_cpu_s": usage.ru_utime + usage.ru_stime}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--messages", type=int, default=200, help="per user")
    parser.add_argument("--chunk", type=int, default=500, help="messages per control request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("vkbottle").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as workdir:
        os.chdir(workdir)  # vkbottle writes ./.vkbottle/
        result = asyncio.run(run(args.users, args.messages, args.chunk))
    logger.info("%d messages in %.2f s: %.0f msg/s (%d long poll requests; emulator busy %.1f s)",
                result["messages"], result["seconds"], result["per_second"],
                result["longpoll_checks"], result["emulator_cpu_s"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
