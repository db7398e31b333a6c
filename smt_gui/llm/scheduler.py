"""One queue for llama.cpp work: generation jobs, Chat and `smt` commands take turns on the cores.

Two llama.cpp computations at once on the same cores oversubscribe them (measured on 2 cores: ~55 -> ~3 tokens/s
each), so running them one after another is faster for both. Turns are handed out first come, first served inside
a process (a plain lock lets a job in a tight loop take it again before a waiting Chat answer gets it), and a lock
file serialises processes too (the app, a CLI `smt generate`, a second app). A turn is one completion or one
streamed answer, so a long job never blocks Chat for more than one request.

``SMT_LLAMA_LOCK`` moves the lock file (one per machine by default); ``SMT_LLAMA_LOCK=off`` leaves processes
unserialised, e.g. on a machine with cores to spare for several GPUs' worth of servers.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock


class FifoLock:
    """A lock granted in arrival order: the releasing thread hands it to the longest waiter."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiters.append(turn)
        turn.wait()  # ownership is handed over by ``release``: ``_held`` stays True

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False

    @property
    def waiting(self) -> int:
        return len(self._waiters)


def lock_path() -> Path | None:
    setting = os.environ.get("SMT_LLAMA_LOCK", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "smt-studio" / "llama-compute.lock"


_turns = FifoLock()
POLL_S = 0.01  # how often a waiting process retries a lock file (a turn is one completion: 0.3-10 s)


@contextmanager
def compute_turn() -> Iterator[None]:
    """Hold the cores for one llama.cpp computation (queued behind those that asked first)."""
    _turns.acquire()
    try:
        path = lock_path()
        if path is None:
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Two lock files make the processes take turns: a process that just computed queues at the entry behind one
        # already waiting for the cores, instead of taking the cores back at once (measured: one process ran all of
        # its requests before the other got one).
        entry, cores = FileLock(f"{path}.entry"), FileLock(str(path))
        with entry.acquire(poll_interval=POLL_S):
            cores.acquire(poll_interval=POLL_S)
        try:
            yield
        finally:
            cores.release()
    finally:
        _turns.release()


def waiting() -> int:
    """How many computations in this process are queued behind the running one (shown to users as a wait)."""
    return _turns.waiting


def llama_threads(requested: int | None = None) -> int:
    """Threads for one llama.cpp computation: ``requested``, else ``SMT_LLAMA_THREADS``, else every core."""
    if requested:
        return max(1, int(requested))
    setting = os.environ.get("SMT_LLAMA_THREADS", "").strip()
    if setting:
        return max(1, int(setting))
    return os.cpu_count() or 2
