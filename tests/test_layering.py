"""The code's layering, read from its imports: no module reaches into another's private names, packages depend one way.

A private name used from outside is a rule with two owners (``chat._LOAD_LOCK`` taken by the Train tab, the JSON
scanner of generation called by the judges); a package cycle (``llm -> export -> train -> llm``, when the backend
layer exported a run's GGUFs) means no package can be changed or tested alone.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "smt_gui"


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        dotted = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        found[dotted] = ast.parse(path.read_text(), filename=str(path))
    return found


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def runtime_imports(tree: ast.Module):
    """Import nodes outside ``if TYPE_CHECKING:`` blocks (annotations only: no dependency at run time)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in skipped]


def test_no_module_uses_another_modules_private_names():
    names = modules()
    used = []
    for dotted, tree in names.items():
        bound = {}  # local name -> the smt_gui module it stands for
        for node in runtime_imports(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("smt_gui"):
                for alias in node.names:
                    if is_private(alias.name):
                        used.append(f"{dotted}: from {node.module} import {alias.name}")
                    if f"{node.module}.{alias.name}" in names:
                        bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("smt_gui.") and alias.asname:
                        bound[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                    and is_private(node.attr)):
                used.append(f"{dotted}: {bound[node.value.id]}.{node.attr}")
    assert used == []


def test_packages_depend_one_way():
    edges: dict[str, set[str]] = defaultdict(set)
    for dotted, tree in modules().items():
        source = dotted.split(".")[1] if "." in dotted else dotted
        for node in runtime_imports(tree):
            targets = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for target in targets:
                parts = target.split(".")
                if parts[0] == "smt_gui" and len(parts) > 1 and parts[1] != source:
                    edges[source].add(parts[1])

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in edges.get(node, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    cycles = sorted(f"{a} -> {b} -> ... -> {a}" for a in edges for b in edges[a] if reaches(b, a))
    assert cycles == []
    core = {source for source, targets in edges.items() if "ui" in targets} - {"ui", "cli"}  # the CLI launches the app
    assert core == set(), "core modules import the UI"


def test_no_ui_module_keeps_process_state():
    """Engines, workers and servers are owned by ``smt_gui.services``: a UI module-level registry of them (``_servers``,
    ``_procs``, ``_engines`` were) or a lock guarding one is state the CLI and the tests cannot reach. Per-browser-session
    state (which conversation a Chat stream belongs to) is the UI's own and stays."""
    held = ("popen", "process", "proc", "engine", "server", "worker", "subprocess")
    kept = []
    for dotted, tree in modules().items():
        if not dotted.startswith("smt_gui.ui."):
            continue
        for node in tree.body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            text = ast.unparse(node).lower()
            target = text.split("=")[0]
            lock = isinstance(node.value, ast.Call) and ast.unparse(node.value.func).endswith(("Lock", "RLock"))
            registry = isinstance(node.value, ast.Dict | ast.List | ast.Set | ast.Call) and any(w in target for w in held)
            if lock or registry:
                kept.append(f"{dotted}:{node.lineno} {ast.unparse(node)[:70]}")
    assert kept == []


def test_benchmarks_do_not_import_the_test_suite_and_the_app_does_not_import_its_test_helpers():
    """Benchmarks drove the app with helpers from ``tests/`` (so they broke whenever a fixture moved); those
    helpers are ``smt_gui.testing`` now, which the app itself never needs."""
    wrong = []
    for path in sorted((PACKAGE.parent / "benchmarks").glob("*.py")):
        for node in runtime_imports(ast.parse(path.read_text())):
            named = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            wrong += [f"{path.name}: {name}" for name in named if name == "tests" or name.startswith("tests.")]
    for dotted, tree in modules().items():
        if dotted.startswith("smt_gui.testing"):
            continue
        for node in runtime_imports(tree):
            named = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            wrong += [f"{dotted}: {name}" for name in named if name.startswith("smt_gui.testing")]
    assert wrong == []
