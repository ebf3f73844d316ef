"""The emulator's echo benchmark at a tiny size: every message is answered; no timing checks."""

from __future__ import annotations

from bench.echo import parse_args, run_all


async def test_echo_benchmark_waits_for_every_reply() -> None:
    sizes, engines = parse_args(["--users", "3", "--messages", "4", "--chunk", "5"])

    [record] = [r.as_dict() for r in await run_all(sizes, engines)]

    assert record["name"] == "emulator_echo"
    assert record["value"] > 0
    assert record["params"]["replies"] == 3 * 4
    assert record["params"]["longpoll_checks"] > 0
