"""Prompt templates are data files (``smt_gui/prompts/*.toml``) with a version recorded on every sample."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


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

    def messages(self, **fields: object) -> list[dict[str, str]]:
        user = self.user.format(example=self.example, **fields)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


@cache
def load_prompt(name: str) -> PromptTemplate:
    raw = tomllib.loads(resources.files("smt_gui.prompts").joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return PromptTemplate(name=name, **raw)
