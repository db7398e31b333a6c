"""A config dataclass is the one schema of its settings: the ``smt`` flags and the app's widgets are drawn from it.

Written by hand, ``smt train`` exposed 6 of TrainConfig's fields, ``smt generate``'s 26 flags and the Generate tab's
widgets each repeated their defaults, and they drifted apart (requests in flight: 4 in the CLI, 8 in the tab). Drawn
from the dataclass (the way trl's ``TrlParser`` builds a CLI from its configs), a new field is a flag and a widget
without further code, its default is the dataclass's own (shown in the help), and an unset flag leaves the config as
it was, so a ``--config`` file and the flags combine.

A field's ``metadata`` (see ``setting``) may carry:
``help``; ``label`` (the widget's); ``flag`` (the CLI name when it is not ``--field-name``) and ``aliases``;
``choices``; ``minimum``/``maximum``/``step`` (``slider=True`` draws a slider); ``info`` (the widget's hint);
``none_as`` (what a widget shows for None, e.g. 0 = "no budget");
``cli=False`` / ``ui=False`` to leave a field out of one of them.
"""

from __future__ import annotations

import argparse
from dataclasses import MISSING, Field, field, fields
from typing import Any

SCALARS: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}


def setting(default: Any = MISSING, *, factory: Any = MISSING, **metadata: Any) -> Any:
    """A dataclass field with its schema metadata (``help``, ``label``, ``flag``, ``minimum``...: see above)."""
    if factory is not MISSING:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def scalar_type(annotation: Any) -> type | None:
    """``int`` for ``"int"`` or ``"int | None"``; None for lists, dicts and nested configs (no flag for those)."""
    parts = [part.strip() for part in str(annotation).split("|") if part.strip() != "None"]
    return SCALARS.get(parts[0]) if len(parts) == 1 else None


def optional(item: Field) -> bool:
    return "None" in str(item.type)


def scalar_fields(cls: type, where: str) -> list[Field]:
    """The fields a flag (``where="cli"``) or a widget (``"ui"``) is drawn for: scalars not turned off there."""
    return [item for item in fields(cls) if scalar_type(item.type) and item.metadata.get(where, True)]


def add_config_flags(parser: argparse.ArgumentParser, cls: type, path: str = "") -> list[tuple[str, str]]:
    """Add a flag per scalar field of ``cls``; returns (argparse dest, dotted field path) pairs for ``apply_flags``.
    ``path`` names a nested config (``"mixture"``) whose fields the flags set."""
    defaults = cls()
    group = parser.add_argument_group(f"{cls.__name__} settings (unset = the config's value)")
    made = []
    for item in scalar_fields(cls, "cli"):
        kind = scalar_type(item.type)
        dest = f"{path}__{item.name}" if path else item.name
        default = getattr(defaults, item.name)
        text = item.metadata.get("help", item.name.replace("_", " "))
        shown = "none" if default is None else "empty" if default == "" else default
        text = f"{text} (default {shown})".replace("%", "%%")
        names = [item.metadata.get("flag") or "--" + item.name.replace("_", "-"), *item.metadata.get("aliases", ())]
        if kind is bool:
            group.add_argument(*names, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=text)
        else:
            group.add_argument(*names, dest=dest, type=kind, default=None, help=text, metavar=item.name.upper(),
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


def shown_value(config: Any, item: Field) -> Any:
    """What a widget shows for a field: its value, None as the field's ``none_as`` (0 for "0 = none")."""
    value = getattr(config, item.name)
    return item.metadata.get("none_as") if value is None else value


def flag_values(args: argparse.Namespace, flags: list[tuple[str, str]]) -> dict[str, Any]:
    """``{field: value}`` of the flags the user gave (the last part of a dotted path), to build a config from;
    for a frozen one (``BackendConfig``) that ``apply_flags`` cannot set."""
    return {dotted.rsplit(".", 1)[-1]: getattr(args, dest) for dest, dotted in flags
            if getattr(args, dest, None) is not None}


def typed_values(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Widget values (``{field: value}``) typed as ``cls``'s fields are: a number box gives floats, ``none_as`` and
    an empty box give None where the field allows it; a field left empty that does not allow None is left out
    (the config's default applies)."""
    by_name = {item.name: item for item in fields(cls)}
    typed = {}
    for name, value in values.items():
        item = by_name[name]
        kind = scalar_type(item.type)
        if value is not None and value == item.metadata.get("none_as"):
            value = None
        if isinstance(value, str) and not value.strip() and optional(item):
            value = None  # an empty box for "path or none"
        if value is None or (value == "" and kind is not str):
            if optional(item):
                typed[name] = None
            continue
        typed[name] = kind(value) if kind in (int, float, bool) else value
    return typed
