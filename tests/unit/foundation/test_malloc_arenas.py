"""The bot's threads share the arenas `limit_malloc_arenas` allows (glibc only)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

# Six threads allocate and hold blocks malloc serves from an arena (over pymalloc's 512 bytes,
# under the mmap threshold); then count the arenas beside the main one: glibc reserves each
# as 64 MiB of address space, a read-write part followed by an inaccessible one.
THREADS = """
import sys, threading, time
from bot.runtime.malloc import limit_malloc_arenas

if sys.argv[1] == "limit":
    limit_malloc_arenas()
done = threading.Event()

def work():
    held = [bytes(600) for _ in range(2000)]
    done.wait()

threads = [threading.Thread(target=work) for _ in range(6)]
for thread in threads:
    thread.start()
time.sleep(0.3)
maps = [line.split() for line in open("/proc/self/maps")]

def size(row):
    start, end = row[0].split("-")
    return int(end, 16) - int(start, 16)

arenas = sum(
    1
    for row, following in zip(maps, maps[1:])
    if len(row) == len(following) == 5
    and row[1].startswith("rw")
    and following[1] == "---p"
    and size(row) + size(following) == 64 << 20
)
done.set()
print(arenas)
"""


def _arenas(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    result = subprocess.run(
        [sys.executable, "-c", THREADS, mode], capture_output=True, text=True, check=True, env=env
    )
    return int(result.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's arenas only")
def test_threads_share_the_arenas() -> None:
    assert _arenas("free") >= 3  # the premise: one arena per thread, as many as the cores allow
    assert _arenas("limit") == 1  # the main arena and one more
