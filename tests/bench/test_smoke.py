"""The inbound benchmark end to end at a tiny size: it runs and reports; no timing checks."""

from __future__ import annotations

import pytest

from bench.__main__ import options_by_benchmark
from bench.inbound import parse_args, run_all

FIELDS = {"name", "metric", "value", "baseline", "ratio", "unit", "params"}


@pytest.mark.parametrize(
    ("limit", "names"),
    [([], {"inbound.sqlite", "memory.sqlite", "inbound_floor.sqlite"}),
     (["--send-rps", "20"], {"inbound_at_20rps.sqlite", "memory_at_20rps.sqlite"})],
    ids=["unlimited", "at_vk_limit"],
)  # fmt: skip
async def test_inbound_reports_every_metric_beside_its_baseline(
    limit: list[str], names: set[str]
) -> None:
    sizes, _ = parse_args(["--quick", "--heads", "3", "--paced-heads", "2", "--warmup-heads", "1",
                           "--paced-rate", "100", "--schools", "20", *limit])  # fmt: skip

    records = [r.as_dict() for r in await run_all(sizes, ["sqlite"])]

    assert {r["name"] for r in records} == names
    assert {r["metric"] for r in records} >= {"messages_per_s", "p99_ms", "peak_rss_mib"}
    for record in records:
        assert set(record) == FIELDS
        assert record["value"] > 0
        assert record["baseline"] > 0
    throughput = {r["name"]: r for r in records if r["metric"] == "messages_per_s"}
    bot = throughput[f"inbound{'_at_20rps' if limit else ''}.sqlite"]["params"]["bot"]
    assert bot["failed"] == 0
    assert sizes.script.name == "checkin"
    steps = len(sizes.script.steps(0, sizes.steps))
    assert bot["processed"] == (1 + 3 + 2) * steps  # warm-up, saturated and paced heads
    assert bot["responses"] == 1 + 3 + 2  # every head's check-in was stored
    assert bot["statements"] > 0 and bot["commits"] > 0
    if not limit:  # the floor stored every step it answered
        assert throughput["inbound_floor.sqlite"]["params"]["bot"]["steps_stored"] == (
            (1 + 3 + 2) * steps
        )


def test_sizes_reach_the_benchmark_as_options() -> None:
    options = options_by_benchmark(["inbound.heads=500", "inbound.paced_rate=20"])

    assert options["inbound"] == ["--heads", "500", "--paced-rate", "20"]
