"""Reads asked for at the same moment go out as one read (bot/runtime/together.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime.together import Together


class Reads:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.fail: Exception | None = None
        self.gate: asyncio.Event | None = None

    async def __call__(self, keys: list[int]) -> dict[int, str]:
        self.batches.append(keys)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        return {key: f"value {key}" for key in keys}


async def test_reads_asked_at_the_same_moment_are_one_read() -> None:
    reads = Reads()
    together = Together(reads)
    found = await asyncio.gather(*(together.ask(key) for key in (1, 2, 3, 2)))
    assert found == ["value 1", "value 2", "value 3", "value 2"]
    assert reads.batches == [[1, 2, 3]]


async def test_a_read_asked_alone_goes_alone() -> None:
    reads = Reads()
    together = Together(reads)
    assert await together.ask(1) == "value 1"
    assert await together.ask(2) == "value 2"
    assert reads.batches == [[1], [2]]


async def test_reads_asked_while_one_is_out_go_in_the_next() -> None:
    reads = Reads()
    reads.gate = asyncio.Event()
    together = Together(reads)
    first = asyncio.create_task(together.ask(1))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    later = [asyncio.create_task(together.ask(key)) for key in (2, 3)]
    reads.gate.set()
    assert await asyncio.gather(first, *later) == ["value 1", "value 2", "value 3"]
    assert reads.batches == [[1], [2, 3]]


async def test_a_failed_read_fails_every_asker_and_the_next_read_works() -> None:
    reads = Reads()
    reads.fail = RuntimeError("database is locked")
    together = Together(reads)
    outcomes = await asyncio.gather(together.ask(1), together.ask(2), return_exceptions=True)
    assert [str(o) for o in outcomes] == ["database is locked"] * 2
    reads.fail = None
    assert await together.ask(3) == "value 3"


async def test_an_asker_that_gives_up_leaves_the_others_their_answer() -> None:
    reads = Reads()
    reads.gate = asyncio.Event()
    together = Together(reads)
    quitter = asyncio.create_task(together.ask(1))
    stayer = asyncio.create_task(together.ask(2))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    quitter.cancel()
    reads.gate.set()
    assert await stayer == "value 2"
    with pytest.raises(asyncio.CancelledError):
        await quitter
