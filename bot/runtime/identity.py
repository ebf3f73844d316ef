"""Which instance this process is: a name that outlives a restart.

Claims (outbox rows, inbound events) and leases (the Long Poll reader) are held under the
instance's name. With a name new on every start, a process restarted after a crash waited
for its own claims to expire — 5 minutes for 900 Monday prompts, up to a minute before
reading messages again. The name is derived from the host and the state directory, so the
restarted process is the same instance and takes its claims back at once.

Two live processes must never share a name (each would think the other's claims its own):
the name is held with an exclusive lock on a file in the state directory, which the kernel
releases when the process dies, SIGKILL included. A second process started on the same
directory while the first runs gets a name of its own, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

LOCK_FILE = "instance.lock"


@contextlib.contextmanager
def instance_name(state_dir: Path) -> Iterator[str]:
    """This instance's name, held for as long as the context is open."""
    host = socket.gethostname()[:40]
    with contextlib.ExitStack() as stack:
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context(open(state_dir / LOCK_FILE, "a"))
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:  # taken by a running process, or not writable
            name = f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
            logger.warning(
                "%s/%s not held (%s): this instance is %s, for this run only",
                state_dir,
                LOCK_FILE,
                type(exc).__name__,
                name,
            )
            yield name
            return
        where = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:8]
        yield f"{host}:{where}"
