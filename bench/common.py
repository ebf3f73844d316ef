"""What every benchmark shares: the result record, percentiles, memory and CPU readings of
another process, and an emulator running in a process of its own.

A benchmark module is run as `python -m bench.<module> [--quick] [--<size> N ...]` and
prints its result records as one JSON list on the last line of stdout (see README).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

TOKEN = "bench-community-token"
GROUP_ID = 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    """One measured figure beside its baseline from the same run."""

    name: str
    metric: str
    value: float
    unit: str
    baseline: float | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 3)

    def as_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["ratio"] = self.ratio
        return record


def emit(results: Sequence[Result | dict[str, Any]]) -> None:
    """The last stdout line of a benchmark: its records, for `python -m bench`."""
    records = [r.as_dict() if isinstance(r, Result) else r for r in results]
    sys.stdout.write(json.dumps(records, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run_benchmark(
    parse_args: Callable[[list[str] | None], tuple[Any, list[str]]],
    run_all: Callable[[Any, list[str]], Awaitable[Sequence[Result | dict[str, Any]]]],
    argv: list[str] | None,
) -> int:
    """A benchmark module's `main`: logs to stderr, the records as the last stdout line."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    sizes, engines = parse_args(argv)
    emit(asyncio.run(run_all(sizes, engines)))
    return 0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); no interpolation between samples."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def proc_status_kib(pid: int, field_name: str) -> int:
    """A `/proc/<pid>/status` figure such as VmRSS or VmHWM (peak RSS), in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise LookupError(f"{field_name} not in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        # The command name may hold spaces: fields are counted after its closing ')'.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class RssSampler:
    """Samples a process's resident memory while a load runs; the kernel's VmHWM gives the
    exact peak, the samples show whether memory stayed flat or kept growing."""

    def __init__(self, pid: int, interval_s: float = 0.25) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.samples_kib: list[int] = []
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RssSampler:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _sample(self) -> None:
        while True:
            self.samples_kib.append(proc_status_kib(self.pid, "VmRSS"))
            await asyncio.sleep(self.interval_s)

    def peak_mib(self) -> float:
        return proc_status_kib(self.pid, "VmHWM") / 1024


class Emulator:
    """`python -m bot.emulator` in its own process, so that it does not share an event loop
    (or a core's worth of Python) with the bot being measured."""

    def __init__(self, rps: float = 0) -> None:
        self.rps = rps  # VK's error 6 above this many requests a second; 0: no limit
        self.process: asyncio.subprocess.Process | None = None
        self.base_url = ""

    @property
    def api_url(self) -> str:
        return self.base_url + "/method/"

    async def __aenter__(self) -> Emulator:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.emulator", "--port", "0", "--token", TOKEN,
            "--group-id", str(GROUP_ID), "--rps", str(self.rps),
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stderr is not None
        while True:
            line = (await asyncio.wait_for(self.process.stderr.readline(), 30)).decode()
            if not line:
                raise RuntimeError("the emulator exited before it was ready")
            match = re.search(r"VK_API_URL=(\S+)/method/", line)
            if match:
                self.base_url = match.group(1)
                break
        # Keep reading its log so a full pipe never blocks it.
        self._drain = asyncio.create_task(_discard(self.process.stderr))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await stop_process(self.process)
        self._drain.cancel()


async def _discard(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


async def stop_process(process: asyncio.subprocess.Process | None, timeout: float = 10) -> None:
    if process is None or process.returncode is not None:
        return
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
