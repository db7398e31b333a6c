"""Text in the app and the README says what the app does: one figure for the sample's walk, button names that
exist, messages that read as English."""

from __future__ import annotations

import re

from smt_gui.ingest.jsonl import parse_jsonl
from smt_gui.sample import WALK_MINUTES

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_first_page_and_the_readme_quote_the_same_walk_time():
    assert f"about **{WALK_MINUTES} minutes**" in README
    assert "round(WALK_MINUTES)" in (REPO / "smt_gui" / "ui" / "app.py").read_text(encoding="utf-8")


def test_the_buttons_the_readme_walk_names_exist():
    walk = " ".join(README[README.index("Go left to right"):].split("Measured alone")[0].split())
    named = re.findall(r"\*([^*]+)\*", walk.replace("**", ""))
    labels = set()
    for path in (REPO / "smt_gui" / "ui").glob("*.py"):
        labels |= set(re.findall(r'gr\.Button\("([^"]+)"', path.read_text(encoding="utf-8")))
    assert named and all(n in labels for n in named), (named, sorted(labels))


def test_a_broken_jsonl_line_is_explained_without_a_doubled_word():
    result = parse_jsonl(b'{"text": "unterminated\n{"text": "fine"}\n', "notes.jsonl")
    warnings = result.warnings
    assert warnings and "at at" not in warnings[0] and "column" in warnings[0], warnings
