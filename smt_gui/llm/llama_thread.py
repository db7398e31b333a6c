"""Every llama.cpp computation of a process runs on one long-lived thread.

llama-cpp-python's wheel builds ggml with OpenMP, and ggml waits at every operation's barrier with ``omp barrier``.
libgomp keeps a team of worker threads for each thread that starts a parallel region, and once the teams of a
process hold more threads than there are cores it stops spinning at barriers and sleeps on a futex instead
(``gomp_throttled_spin_count_var``). The app calls llama.cpp from many threads (each generation job's thread,
gradio's worker threads for Chat), so on 2 cores the second caller's team already throttled every barrier: the same
requests ran at 33 tokens/s from a second thread against 52 from the first (``benchmarks/core_sharing.py``'s notes).
One thread for all of them keeps a single team: each caller hands its work over and waits for the result.

Heavy work still takes turns on the cores (``smt_gui.cores``); the turn is held by the caller, and this thread does
not take turns itself, so there is nothing to deadlock on.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-cpp")
_here = threading.local()


def _marked(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    _here.inside = True
    return fn(*args, **kwargs)


def on_llama_thread() -> bool:
    return getattr(_here, "inside", False)


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` on the llama.cpp thread and return its result (or raise its exception)."""
    if on_llama_thread():
        return fn(*args, **kwargs)
    return _executor.submit(_marked, fn, *args, **kwargs).result()


_ITEM, _ERROR, _DONE = range(3)


def stream(make: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Iterate ``make()`` on the llama.cpp thread, yielding its items here as they come.

    Closing this iterator early (a Chat answer stopped) stops the producer after its current item and waits until it
    has closed its own iterator, so the cores are free when this returns.
    """
    if on_llama_thread():
        yield from make()
        return
    items: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            source = make()
            try:
                for item in source:
                    items.put((_ITEM, item))
                    if stop.is_set():
                        break
            finally:
                close = getattr(source, "close", None)
                if close is not None:
                    close()
        except BaseException as exc:  # handed to the consumer, raised there
            items.put((_ERROR, exc))
            return
        items.put((_DONE, None))

    done = _executor.submit(_marked, produce)
    try:
        while True:
            kind, value = items.get()
            if kind == _ITEM:
                yield value
            elif kind == _ERROR:
                raise value
            else:
                return
    finally:
        stop.set()
        done.result()
