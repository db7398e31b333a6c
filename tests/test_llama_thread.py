"""Every llama.cpp computation of a process runs on one thread (``smt_gui.llm.llama_thread``).

A second calling thread gave libgomp a second team of workers, and with more of them than cores ggml's barriers
stopped spinning: the same requests ran at 33 tokens/s from a second thread against 52 from the first.
"""

from __future__ import annotations

import threading
import time

import pytest

from smt_gui.llm import llama_thread
from smt_gui.llm.base import BackendConfig, GenerationRequest
from smt_gui.llm.gguf_chat import GgufChat, GgufPair
from smt_gui.llm.llama_cpp import LlamaCppBackend


def test_generation_from_any_thread_computes_on_the_one_llama_thread():
    engine = LlamaCppBackend(BackendConfig(n_ctx=512))
    seen: list[int] = []
    original = engine.llm.create_chat_completion

    def recording(*args, **kwargs):
        seen.append(threading.get_ident())
        return original(*args, **kwargs)

    engine.llm.create_chat_completion = recording
    request = GenerationRequest(messages=[{"role": "user", "content": "Say hello."}], temperature=0.0, max_tokens=4)
    engine.complete(request)
    callers = [threading.Thread(target=engine.complete, args=(request,)) for _ in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(seen) == 3
    assert len(set(seen)) == 1, "llama.cpp ran on more than one thread"
    assert seen[0] != threading.get_ident()


def test_chat_streams_from_the_llama_thread_and_stops_when_closed():
    engine = LlamaCppBackend(BackendConfig(n_ctx=512))
    chat = GgufChat({"base": GgufPair(engine.path)}, n_ctx=512)
    seen: list[int] = []
    model = chat.model("base")
    original = model.create_chat_completion

    def recording(*args, **kwargs):
        seen.append(threading.get_ident())
        return original(*args, **kwargs)

    model.create_chat_completion = recording
    pieces = chat.stream("base", [{"role": "user", "content": "Count from one to twenty."}], max_new_tokens=40)
    first = next(pieces)
    pieces.close()  # a stopped answer frees the cores at once
    assert first
    assert seen and seen[0] != threading.get_ident()
    engine.complete(GenerationRequest(messages=[{"role": "user", "content": "Hi"}], max_tokens=2))  # not stuck


def test_closing_a_stream_waits_until_the_producer_has_closed_its_source():
    closed = threading.Event()

    def source():
        try:
            for i in range(1000):
                time.sleep(0.01)
                yield i
        finally:
            time.sleep(0.05)
            closed.set()

    pieces = llama_thread.stream(source)
    assert [next(pieces) for _ in range(3)] == [0, 1, 2]
    pieces.close()
    assert closed.is_set(), "the stream returned while its source was still running"


def test_an_error_on_the_llama_thread_is_raised_in_the_caller():
    def fails():
        raise ValueError("prompt too long")

    with pytest.raises(ValueError, match="prompt too long"):
        llama_thread.call(fails)

    def fails_midway():
        yield 1
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory"):
        list(llama_thread.stream(fails_midway))
