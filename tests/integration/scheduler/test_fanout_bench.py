"""The fan-out benchmark at smoke size: every head reminded once, in the fewest requests."""

from bench.fanout import run


async def test_fanout_smoke() -> None:
    result = await run(500, 1000.0)
    assert result["sent"] == 500
    assert (result["duplicates"], result["missing"]) == (0, 0)
    assert result["requests"] == result["min_requests"] == 20
