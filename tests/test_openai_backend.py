"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1: concurrency, keys, bad servers."""

from __future__ import annotations

import time

import pytest

from smt_gui import generate as gen
from smt_gui.generate.job import GenerateConfig
from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.llm import BackendConfig, GenerationRequest, get_backend
from smt_gui.llm.base import BackendError

from .conftest import QUALITY_SMALL, free_port
from .local_openai_server import ChatServer

REQUEST = GenerationRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=8)


def backend_for(server: ChatServer, **kwargs):
    return get_backend(BackendConfig(kind="openai", base_url=server.base_url, model="served-model", **kwargs))


def test_generation_job_keeps_several_requests_in_flight(project):
    ingest_paths(project, [QUALITY_SMALL], config=ChunkingConfig(size=512, overlap=0))
    with ChatServer(delay_s=0.3) as server:
        config = GenerateConfig(kinds=["qa", "rewrite"], strategy="chunk", qa_per_chunk=1, max_chunks=2,
                                backend=BackendConfig(kind="openai", base_url=server.base_url, model="m", concurrency=4))
        started = time.perf_counter()
        job = gen.generate(project, config)
        elapsed = time.perf_counter() - started
    assert job["status"] == "done", job["error"]
    assert server.max_in_flight >= 3
    n_units = 5 * 2 * 2  # 5 documents x 2 chunks x (qa + rewrite)
    result = job["progress"]["result"]
    assert result["units"] == n_units and result["requested"] == n_units
    # The scripted answers state nothing of the passage, so the faithfulness checks reject and retry them: every
    # request is still accounted for, as made or as a failure with its reason, never silently dropped.
    assert result["made"] + result["failed"] == n_units
    assert project.counts()["samples"] == result["made"]
    assert len(server.requests) >= n_units
    assert elapsed < len(server.requests) * 0.3 * 0.6  # clearly faster than one request at a time
    assert server.requests[0]["body"]["model"] == "m"
    qa_request = next(r["body"] for r in server.requests if r["body"].get("response_format"))
    assert qa_request["response_format"]["type"] == "json_schema"


def test_api_key_is_sent_as_bearer_token():
    with ChatServer(delay_s=0) as server:
        backend_for(server, api_key="sk-test").complete(REQUEST)
    assert server.requests[0]["auth"] == "Bearer sk-test"


def test_garbage_answer_is_a_clear_error():
    with ChatServer(mode="garbage", delay_s=0) as server, pytest.raises(BackendError, match="did not answer like an OpenAI"):
        backend_for(server).complete(REQUEST)


def test_timeouts_are_retried_then_reported(monkeypatch):
    monkeypatch.setattr("smt_gui.llm.openai_compat.BACKOFF_S", 0.01)
    with ChatServer(delay_s=1.5) as server, pytest.raises(BackendError, match=r"no answer from .* within 0.3 s"):
        backend_for(server, timeout_s=0.3).complete(REQUEST)
    assert len(server.requests) == 3


def test_server_errors_are_retried_then_reported(monkeypatch):
    monkeypatch.setattr("smt_gui.llm.openai_compat.BACKOFF_S", 0.01)
    with ChatServer(mode="error500", delay_s=0) as server, pytest.raises(BackendError, match="HTTP 500"):
        backend_for(server).complete(REQUEST)
    assert len(server.requests) == 3


def test_nothing_listening_is_a_clear_error():
    config = BackendConfig(kind="openai", base_url=f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(BackendError, match=r"Cannot reach the endpoint .* Is the server running"):
        get_backend(config).complete(REQUEST)


def test_bad_url_and_missing_gguf_are_refused_up_front():
    with pytest.raises(BackendError, match="must start with http"):
        get_backend(BackendConfig(kind="openai", base_url="localhost:8000"))
    with pytest.raises(BackendError, match="does not exist"):
        get_backend(BackendConfig(kind="llama_cpp", model="/no/such/model.gguf"))
