"""Prompt templates are data files (``smt_gui/prompts/*.toml``) with a version recorded on every sample.

A template may carry few-shot ``shots``: each is a table of the user template's fields plus ``assistant`` (the
answer), sent as earlier chat turns. Small models copy the shape of such turns far more reliably than they follow
an instruction or an inline example.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: str
    user: str
    temperature: float
    top_p: float
    max_tokens: int
    example: str = ""
    shots: tuple[tuple[tuple[str, str], ...], ...] = ()  # hashable form of [{field: value, "assistant": ...}]
    stop: tuple[str, ...] = field(default=())

    def messages(self, **fields: object) -> list[dict[str, str]]:
        messages = [{"role": "system", "content": self.system}]
        for shot in self.shots:
            values = dict(shot)
            answer = values.pop("assistant")
            messages += [{"role": "user", "content": self.user.format(example=self.example, **values)},
                         {"role": "assistant", "content": answer}]
        messages.append({"role": "user", "content": self.user.format(example=self.example, **fields)})
        return messages


def _freeze(raw: dict[str, Any]) -> dict[str, Any]:
    raw = dict(raw)
    raw["shots"] = tuple(tuple(sorted(shot.items())) for shot in raw.get("shots", []))
    raw["stop"] = tuple(raw.get("stop", []))
    return raw


@cache
def load_prompt(name: str) -> PromptTemplate:
    raw = tomllib.loads(resources.files("smt_gui.prompts").joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return PromptTemplate(name=name, **_freeze(raw))
