"""One queue for heavy work on this machine's cores: llama.cpp generation, Chat answers, training steps, evaluation.

Two heavy computations at once on the same CPU cores oversubscribe them (measured on 2 cores: two llama.cpp jobs
~55 -> ~3 tokens/s each; a generation beside a training run 37 -> 3-8 tokens/s), so running them one after another
is faster for both. Turns are handed out first come, first served inside a process (a plain lock lets a job in a
tight loop take it again before a waiting Chat answer gets it), and a lock file serialises processes too (the app,
a CLI ``smt generate``, a training worker, a second app). A turn is short: one completion, one streamed answer, one
training step, one question's scores. So a long job never blocks Chat for more than one turn, and two jobs
interleave instead of collapsing: both finish in the time of one after the other, and generation beside a training
run computed at 0.87-0.99x its speed alone (``benchmarks/core_sharing.py``).

``SMT_COMPUTE_LOCK`` moves the lock file (one per machine by default); ``SMT_COMPUTE_LOCK=off`` leaves processes
unserialised, e.g. on a machine with cores to spare. A training run on a GPU, or of several processes, does not take
turns (``smt_gui.train.turns``).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass
class Turn:
    """One turn on the cores: how long it waited in the queue before it got them (shown apart from compute time)."""

    waited_s: float = 0.0


def lock_path() -> Path | None:
    setting = os.environ.get("SMT_COMPUTE_LOCK", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "smt-studio" / "compute.lock"


_turns = FifoLock()
_mine = threading.local()  # a thread already holding a turn does not queue behind itself
POLL_S = 0.01  # how often a waiting process retries a lock file (a turn is 0.3-10 s)


@contextmanager
def compute_turn() -> Iterator[Turn]:
    """Hold the cores for one heavy computation (queued behind those that asked first)."""
    if getattr(_mine, "depth", 0):
        _mine.depth += 1
        try:
            yield Turn()
        finally:
            _mine.depth -= 1
        return
    asked = time.perf_counter()
    _turns.acquire()
    try:
        path = lock_path()
        cores = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Two lock files make the processes take turns: a process that just computed queues at the entry behind
            # one already waiting for the cores, instead of taking the cores back at once (measured: one process ran
            # all of its requests before the other got one).
            entry, cores = FileLock(f"{path}.entry"), FileLock(str(path))
            with entry.acquire(poll_interval=POLL_S):
                cores.acquire(poll_interval=POLL_S)
        _mine.depth = 1
        try:
            yield Turn(waited_s=time.perf_counter() - asked)
        finally:
            _mine.depth = 0
            if cores is not None:
                cores.release()
    finally:
        _turns.release()


class TurnHolder:
    """A turn taken and given back by separate calls (a training callback's step begin and end)."""

    def __init__(self) -> None:
        self._context = None
        self.waited_s = 0.0  # summed over every turn: what the run spent queued behind other work

    def take(self) -> None:
        if self._context is None:
            self._context = compute_turn()
            self.waited_s += self._context.__enter__().waited_s

    @property
    def held(self) -> bool:
        return self._context is not None

    def give_back(self) -> None:
        if self._context is not None:
            context, self._context = self._context, None
            context.__exit__(None, None, None)


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
