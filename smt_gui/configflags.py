"""Command-line flags drawn from a config dataclass: each scalar field is a ``--field-name`` flag.

Written by hand, ``smt train`` exposed 6 of TrainConfig's fields and its help repeated their defaults. Drawn from the
dataclass (the way trl's ``TrlParser`` builds a CLI from its configs), a new field is a flag without further code,
its default is the dataclass's own (shown in the help), and an unset flag leaves the config as it was, so a
``--config`` file and the flags combine. A field's ``metadata`` may carry ``help`` and ``choices``.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

SCALARS: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}


def scalar_type(annotation: Any) -> type | None:
    """``int`` for ``"int"`` or ``"int | None"``; None for lists, dicts and nested configs (no flag for those)."""
    parts = [part.strip() for part in str(annotation).split("|") if part.strip() != "None"]
    return SCALARS.get(parts[0]) if len(parts) == 1 else None


def add_config_flags(parser: argparse.ArgumentParser, cls: type, path: str = "",
                     skip: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """Add a flag per scalar field of ``cls``; returns (argparse dest, dotted field path) pairs for ``apply_flags``.
    ``path`` names a nested config (``"mixture"``) whose fields the flags set."""
    defaults = cls()
    group = parser.add_argument_group(f"{cls.__name__} settings (unset = the config's value)")
    made = []
    for item in fields(cls):
        kind = scalar_type(item.type)
        if item.name in skip or kind is None:
            continue
        dest = f"{path}__{item.name}" if path else item.name
        default = getattr(defaults, item.name)
        text = item.metadata.get("help", item.name.replace("_", " "))
        shown = "none" if default is None else "empty" if default == "" else default
        text = f"{text} (default {shown})".replace("%", "%%")
        flag = "--" + item.name.replace("_", "-")
        if kind is bool:
            group.add_argument(flag, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=text)
        else:
            group.add_argument(flag, dest=dest, type=kind, default=None, help=text, metavar=item.name.upper(),
                               choices=item.metadata.get("choices"))
        made.append((dest, f"{path}.{item.name}" if path else item.name))
    return made


def apply_flags(args: argparse.Namespace, config: Any, flags: list[tuple[str, str]]) -> Any:
    """Set every flag the user gave on ``config`` (nested configs by their dotted path); others stay as they are."""
    for dest, dotted in flags:
        value = getattr(args, dest, None)
        if value is None:
            continue
        *parents, name = dotted.split(".")
        target = config
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, name, value)
    return config
