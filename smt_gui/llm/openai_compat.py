"""OpenAI-compatible HTTP backend (vLLM, llama-server, Ollama, any /v1/chat/completions server).

This is how generation scales beyond one machine: point it at a vLLM server and raise ``concurrency``; requests
run in a thread pool and results stream back as they finish. Timeouts and 5xx answers are retried with backoff
(bounded); anything else becomes a ``BackendError`` with a message that names the URL and what came back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

import httpx

from smt_gui.llm.base import BackendConfig, BackendError, Completion, GenerationRequest, cut_at_stop

RETRIES = 3
BACKOFF_S = 0.5


class OpenAICompatBackend:
    def __init__(self, config: BackendConfig) -> None:
        if not config.base_url.startswith(("http://", "https://")):
            raise BackendError(f"Endpoint URL {config.base_url!r} must start with http:// or https:// (e.g. http://127.0.0.1:8000/v1).")
        self.config = config
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        limits = httpx.Limits(max_connections=max(1, config.concurrency))
        self.client = httpx.Client(headers=headers, timeout=config.timeout_s, limits=limits)

    @property
    def model_name(self) -> str:
        return self.config.model or "default"

    def _payload(self, request: GenerationRequest) -> dict:
        payload = {
            "model": self.config.model or "default", "messages": request.messages, "temperature": request.temperature,
            "top_p": request.top_p, "max_tokens": request.max_tokens,
        }
        if request.seed is not None:
            payload["seed"] = request.seed
        if request.stop:
            payload["stop"] = list(request.stop)
        if request.json_schema is not None:
            payload["response_format"] = {
                "type": "json_schema", "json_schema": {"name": "output", "schema": request.json_schema, "strict": True},
            }
        return payload

    def complete(self, request: GenerationRequest) -> Completion:
        last_error = ""
        for attempt in range(RETRIES):
            started = time.perf_counter()
            try:
                response = self.client.post(self.url, json=self._payload(request))
            except httpx.TimeoutException:
                last_error = f"no answer from {self.url} within {self.config.timeout_s:g} s"
            except httpx.HTTPError as exc:
                raise BackendError(f"Cannot reach the endpoint {self.url}: {exc}. Is the server running?") from exc
            else:
                if response.status_code >= 500 or response.status_code == 429:
                    last_error = f"{self.url} answered HTTP {response.status_code}: {response.text[:200]}"
                elif response.status_code >= 400:
                    raise BackendError(f"{self.url} refused the request (HTTP {response.status_code}): {response.text[:300]}")
                else:
                    return self._parse(response, time.perf_counter() - started, request.stop)
            time.sleep(BACKOFF_S * 2**attempt)
        raise BackendError(f"Gave up after {RETRIES} tries: {last_error}")

    def _parse(self, response: httpx.Response, seconds: float, stop: tuple[str, ...] = ()) -> Completion:
        try:
            body = response.json()
            choice = body["choices"][0]
            text = choice["message"]["content"] or ""
            if stop:
                text = cut_at_stop(text, stop)  # servers that ignore "stop" still get the same items
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise BackendError(
                f"{self.url} did not answer like an OpenAI-compatible server (got {response.text[:200]!r})."
            ) from exc
        usage = body.get("usage") or {}
        return Completion(
            text=text, prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or max(1, len(text) // 4)),
            finish_reason=choice.get("finish_reason") or "stop", seconds=seconds,
        )

    def complete_many(self, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
        with ThreadPoolExecutor(max_workers=max(1, self.config.concurrency)) as pool:
            futures = {pool.submit(self.complete, request): i for i, request in enumerate(requests)}
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except BackendError as exc:
                    yield futures[future], exc
