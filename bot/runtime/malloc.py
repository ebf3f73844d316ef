"""How many malloc arenas the bot's process may have.

glibc gives every thread that allocates an arena of its own (up to 8 per core), and memory
freed in one arena serves no other. The bot's threads are the aiosqlite workers, one per
pooled SQLite connection, which allocate little but each kept an arena's worth of free
memory: at the inbound benchmark's peak two arenas for the process held 2–3 MiB less than
one per thread, at the same throughput (bench/README.md, "Memory").
"""

from __future__ import annotations

import ctypes
import os

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> None:
    """Call before the process starts threads (an arena, once made, stays). Does nothing off
    glibc, or when MALLOC_ARENA_MAX in the environment says otherwise."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_ARENA_MAX, arenas)
