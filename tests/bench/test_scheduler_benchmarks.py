"""The planning-tick and fan-out benchmarks at a tiny size: they run and report; no timings."""

from __future__ import annotations

from bench import fanout, tick


async def test_tick_plans_once_and_writes_nothing_when_idle() -> None:
    sizes, _ = tick.parse_args(["--quick", "--schools", "40", "--districts", "2", "--repeat", "1"])

    records = {r.metric: r for r in await tick.run_all(sizes, ["sqlite"])}

    assert records["first_tick_ms"].params["planned"] == 40
    assert records["tick_ms"].baseline is not None
    assert records["rows_written_idle"].value == 0


async def test_fanout_delivers_each_reminder_once() -> None:
    records = {r.metric: r for r in await fanout.run_all(60, 1000.0, ["sqlite"])}

    assert records["requests"].value == records["requests"].baseline == 3  # 60 / 25 per execute
    assert records["error_6"].value == 0
    assert records["duplicates"].value == 0
    assert records["send_s"].params["missing"] == 0
