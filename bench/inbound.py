"""Inbound: heads answering step by step through Long Poll, svodka against a bare vkbottle
echo bot, each bot in its own process against its own emulator process.

Two phases per bot:
- saturated: every head runs its dialog as fast as the bot answers (a head sends its next
  step when the reply to the previous one arrived) → messages/s, CPU per message;
- paced: a Friday peak at a fixed rate well below capacity → the latency a head sees.
The bot's peak RSS (VmHWM) covers both, with `--schools` schools in its database.

    python -m bench.inbound [--quick] [--heads 1000] [--script checkin|fallback] [--schools 40000] ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench.common import Emulator, Result, RssSampler, cpu_seconds, percentile, run_benchmark
from bench.common import stop_process as stop
from bench.driver import LoadDriver
from bench.scripts import DEFAULT_SCRIPT, SCRIPTS, Script
from bench.seed import FIRST_HEAD_VK_ID, DatabaseUnavailable, Target, fresh_database, seed
from bot.emulator.client import EmulatorClient
from storage.models import Response

logger = logging.getLogger("bench.inbound")


@dataclass
class Sizes:
    heads: int
    steps: int
    schools: int
    paced_rate: float
    paced_heads: int
    warmup_heads: int
    script: Script
    send_rps: float = 0  # svodka's SEND_RPS and its emulator's limit; 0: no limit
    reply_timeout: float = 300.0

    @property
    def params(self) -> dict[str, Any]:
        steps = len(self.script.steps(0, self.steps))
        return {"heads": self.heads, "steps": steps, "schools": self.schools,
                "paced_rate": self.paced_rate, "script": self.script.name,
                **({"send_rps": self.send_rps} if self.send_rps else {})}  # fmt: skip


@dataclass
class Run:
    """What one bot did under the load."""

    messages: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    saturated_ms: list[float] = field(default_factory=list)
    paced_ms: list[float] = field(default_factory=list)
    peak_rss_mib: float = 0.0
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms_per_message(self) -> float:
        return 1000 * self.cpu_s / self.messages


async def measure(kind: str, target: Target | None, sizes: Sizes, heads: list[int]) -> Run:
    """Start the emulator and the bot, drive both phases, stop them, return the figures.

    Every head runs its dialog once: the first `sizes.warmup_heads` warm up, the next
    `sizes.heads` are the saturated phase, the rest the paced one."""
    warmup, rest = heads[: sizes.warmup_heads], heads[sizes.warmup_heads :]
    saturated, paced = rest[: sizes.heads], rest[sizes.heads :]
    # The echo bot and the floor answer each step with one message and keep to no limit:
    # they are the framework's capacity, without and with storing a step.
    one_reply = kind != "svodka"
    rps = 0 if one_reply else sizes.send_rps
    with tempfile.TemporaryDirectory() as state_dir:
        async with Emulator(rps) as emulator, aiohttp.ClientSession() as http:
            client = EmulatorClient(emulator.base_url, http)
            bot = await spawn_bot(kind, emulator.api_url, target, state_dir, rps)
            try:
                if await client.wait_pollers(1, wait=60) < 1:
                    raise RuntimeError(f"the {kind} bot did not start polling")
                run = Run()
                async with LoadDriver(client, reply_timeout_s=sizes.reply_timeout) as driver:
                    await _dialogs(driver, sizes, warmup, one_reply=one_reply)
                    driver.latencies_s.clear()
                    async with RssSampler(bot.pid):
                        cpu_before, started = cpu_seconds(bot.pid), time.perf_counter()
                        await _dialogs(driver, sizes, saturated, one_reply=one_reply)
                        run.seconds = time.perf_counter() - started
                        run.cpu_s = cpu_seconds(bot.pid) - cpu_before
                        run.messages = len(driver.latencies_s)
                        run.saturated_ms = [1000 * s for s in driver.latencies_s]
                        driver.latencies_s.clear()
                        await _dialogs(
                            driver, sizes, paced, rate=sizes.paced_rate, one_reply=one_reply
                        )
                        run.paced_ms = [1000 * s for s in driver.latencies_s]
                        run.peak_rss_mib = RssSampler(bot.pid).peak_mib()
            finally:
                await stop(bot)
            out = await bot.stdout.read() if bot.stdout else b""
            run.report = json.loads(out.decode().strip().splitlines()[-1] or "{}") if out else {}
    return run


async def _dialogs(
    driver: LoadDriver,
    sizes: Sizes,
    vk_ids: Any,
    *,
    rate: float | None = None,
    one_reply: bool,
) -> None:
    """Every head in `vk_ids` runs its dialog; with `rate`, the steps of all heads together
    go out at that many per second. With `one_reply`, a bot answers each step with one
    message (the echo bot, the floor)."""
    pace = _Pacer(rate) if rate else None

    async def dialog(vk_id: int) -> None:
        for step in sizes.script.steps(vk_id, sizes.steps):
            if pace:
                await pace.turn()
            replies = 1 if one_reply else step.replies
            await driver.ask(
                vk_id, step.text, payload=step.payload, replies=replies, press=step.press
            )

    try:
        await asyncio.gather(*(dialog(vk_id) for vk_id in vk_ids))
    finally:
        if pace:
            pace.close()


class _Pacer:
    def __init__(self, rate: float) -> None:
        self._slots = asyncio.Semaphore(0)
        self._task = asyncio.create_task(self._tick(rate))

    async def turn(self) -> None:
        await self._slots.acquire()

    async def _tick(self, rate: float) -> None:
        started, issued = time.perf_counter(), 0
        while True:
            issued += 1
            await asyncio.sleep(max(0.0, started + issued / rate - time.perf_counter()))
            self._slots.release()

    def close(self) -> None:
        self._task.cancel()


async def spawn_bot(
    kind: str, api_url: str, target: Target | None, state_dir: str, send_rps: float
) -> asyncio.subprocess.Process:
    argv = [sys.executable, "-m", "bench.botproc", kind, "--api-url", api_url,
            "--state-dir", state_dir]  # fmt: skip
    if send_rps:
        argv += ["--send-rps", str(send_rps)]
    if target is not None:
        argv += ["--database-url", target.url]
        if target.schema:
            argv += ["--schema", target.schema]
    return await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, cwd=str(Path.cwd())
    )


def _records(engine: str, run: Run, base: Run, sizes: Sizes) -> list[Result]:
    params = {"engine": engine, **sizes.params}
    limit = f"_at_{sizes.send_rps:g}rps" if sizes.send_rps else ""
    name = f"inbound{limit}.{engine}"
    latency = [
        (f"{label}_ms{suffix}", percentile(values, q), percentile(base_values, q))
        for suffix, values, base_values in [
            ("", run.paced_ms, base.paced_ms),
            ("_saturated", run.saturated_ms, base.saturated_ms),
        ]
        for label, q in [("p50", 50), ("p95", 95), ("p99", 99)]
    ]
    # Unlimited, the bot against the bare framework; at VK's limit, 0.8 of the 500 replies a
    # second that 20 requests of 25 calls allow.
    goal = ">= 400 msg/s" if limit else "ratio >= 0.35"
    return [
        Result(name, "messages_per_s", round(run.per_second, 1), "msg/s",
               round(base.per_second, 1), {**params, "goal": goal, "bot": run.report}),
        Result(name, "cpu_ms_per_message", round(run.cpu_ms_per_message, 3), "ms",
               round(base.cpu_ms_per_message, 3), params),
        *[Result(name, metric, round(value, 1), "ms", round(baseline, 1),
                 {**params, **({"goal": "< 250"} if metric == "p99_ms" else {})})
          for metric, value, baseline in latency],
        Result(f"memory{limit}.{engine}", "peak_rss_mib", round(run.peak_rss_mib, 1), "MiB",
               round(base.peak_rss_mib, 1), {**params, "goal": "ratio <= 1.5"}),
    ]  # fmt: skip


async def run_all(sizes: Sizes, engines: list[str]) -> list[Result]:
    seeded = sizes.warmup_heads + sizes.heads + sizes.paced_heads
    base = await measure("echo", None, sizes, [FIRST_HEAD_VK_ID + n for n in range(seeded)])
    logger.info("echo: %.0f msg/s", base.per_second)
    results: list[Result] = []
    for engine in engines:
        with tempfile.TemporaryDirectory() as workdir:
            try:
                async with fresh_database(engine, Path(workdir)) as target:
                    heads = await _seeded(target, sizes, seeded)
                    run = await measure("svodka", target, sizes, heads)
                    run.report["responses"] = await _responses(target)
                    # At VK's limit the reply rate is VK's, not the stack's: no floor.
                    floor = None if sizes.send_rps else await measure("floor", target, sizes, heads)
            except DatabaseUnavailable as exc:
                logger.warning("%s skipped: %s", engine, exc)
                continue
        logger.info("%s: %.0f msg/s", engine, run.per_second)
        results += _records(engine, run, base, sizes)
        if floor is not None:
            logger.info("%s floor: %.0f msg/s", engine, floor.per_second)
            results += _floor_records(engine, run, floor, base, sizes)
    return results


def _floor_records(engine: str, run: Run, floor: Run, base: Run, sizes: Sizes) -> list[Result]:
    """The floor against the echo bot (what storing a step costs the bare framework), and
    svodka against the floor (what svodka costs above that)."""
    params = {"engine": engine, **sizes.params}
    return [
        Result(f"inbound_floor.{engine}", "messages_per_s", round(floor.per_second, 1), "msg/s",
               round(base.per_second, 1), {**params, "bot": floor.report}),
        Result(f"inbound_floor.{engine}", "cpu_ms_per_message", round(floor.cpu_ms_per_message, 3),
               "ms", round(base.cpu_ms_per_message, 3), params),
        Result(f"inbound.{engine}", "messages_per_s_vs_floor", round(run.per_second, 1), "msg/s",
               round(floor.per_second, 1), params),
        *[Result(f"inbound.{engine}", f"{what}_per_message", _per_message(run, what, "processed"),
                 "", _per_message(floor, what, "steps_stored"), params)
          for what in ("statements", "commits")],
    ]  # fmt: skip


def _per_message(run: Run, what: str, handled: str) -> float:
    """Counted by the bot over its whole run (start-up, warm-up and both phases)."""
    return round(run.report[what] / max(1, run.report[handled]), 3)


async def _seeded(target: Target, sizes: Sizes, heads: int) -> list[int]:
    db = target.open()
    try:
        started = time.perf_counter()
        vk_ids = await seed(db, schools=max(sizes.schools, heads), heads=heads)
        logger.info("seeded %d schools in %.1f s", sizes.schools, time.perf_counter() - started)
        return vk_ids
    finally:
        await db.dispose()


async def _responses(target: Target) -> int:
    """Check-ins the heads completed: each is a `responses` row."""
    db = target.open()
    try:
        async with db.reads() as session:
            return await session.scalar(select(func.count()).select_from(Response)) or 0
    finally:
        await db.dispose()


def parse_args(argv: list[str] | None) -> tuple[Sizes, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--heads", type=int, help="heads in the saturated phase (1000)")
    parser.add_argument("--steps", type=int, help="steps per head, fallback script only (10)")
    parser.add_argument("--schools", type=int, help="schools in the database (40000)")
    parser.add_argument("--paced-rate", type=float, help="messages/s in the paced phase (50)")
    parser.add_argument("--paced-heads", type=int, help="heads in the paced phase (100)")
    parser.add_argument("--warmup-heads", type=int, help="heads run before measuring (50)")
    parser.add_argument("--script", choices=sorted(SCRIPTS), default=DEFAULT_SCRIPT)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--send-rps", type=float, default=0,
        help="svodka's SEND_RPS, and error 6 above it from its emulator (0: no limit)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    defaults = (20, 3, 200, 20.0, 10, 5) if args.quick else (1000, 10, 40_000, 50.0, 100, 50)
    given = (args.heads, args.steps, args.schools, args.paced_rate, args.paced_heads,
             args.warmup_heads)  # fmt: skip
    values = [g if g is not None else d for g, d in zip(given, defaults, strict=True)]
    sizes = Sizes(*values, script=SCRIPTS[args.script], send_rps=args.send_rps)  # type: ignore[arg-type]
    return sizes, [e for e in args.engines.split(",") if e]


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(parse_args, run_all, argv)


if __name__ == "__main__":
    sys.exit(main())
