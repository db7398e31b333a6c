"""A deterministic backend for orchestration tests (retries, budgets, failures) where the words don't matter.

Never a stand-in for the real path: the real GGUF, HTTP server and transformers backends have their own tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence

from smt_gui.llm.base import BackendConfig, BackendError, Completion, GenerationRequest, sequential_many


class ScriptedBackend:
    """Answers with ``script(request, call_number)``; records every request it saw."""

    def __init__(self, script: Callable[[GenerationRequest, int], str | BackendError]) -> None:
        self.config = BackendConfig(kind="fake")
        self.script = script
        self.requests: list[GenerationRequest] = []

    @property
    def model_name(self) -> str:
        return "scripted"

    def complete(self, request: GenerationRequest) -> Completion:
        self.requests.append(request)
        answer = self.script(request, len(self.requests))
        if isinstance(answer, BackendError):
            raise answer
        return Completion(text=answer, completion_tokens=len(answer.split()))

    def complete_many(self, requests: Sequence[GenerationRequest]) -> Iterator[tuple[int, Completion | BackendError]]:
        return sequential_many(self, requests)


def good_answer(request: GenerationRequest, call: int) -> str:
    if request.json_schema is not None:
        return json.dumps({"qas": [{"question": f"What happened in passage call {call}?",
                                    "answer": f"Something specific happened, number {call}."}]})
    return f"A faithful rewrite number {call} that keeps every fact of the passage in new words and a new order."
