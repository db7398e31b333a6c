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


def tag(call: int) -> str:
    """A distinct lower-case word per call ("ab", "ac", ...): no digits, so no invented number for the fact checks."""
    return "".join(chr(97 + int(d)) for d in f"{call:02d}")


def good_answer(request: GenerationRequest, call: int) -> str:
    if request.json_schema is not None:
        return json.dumps({"qas": [{"question": f"What happened in passage call {tag(call)}?",
                                    "answer": f"Something specific happened, variant {tag(call)}."}]})
    # A rewrite that keeps every name and number: the passage's sentences in reverse order, plus a distinct word.
    content = request.messages[-1]["content"]
    passage = content.split('"""')[1] if '"""' in content else content.split("Passage: ", 1)[-1].split("\n")[0]
    sentences = [s.strip() for s in passage.replace("\n", " ").split(". ") if s.strip()]
    return f"In variant {tag(call)}: " + ". ".join(reversed(sentences))
