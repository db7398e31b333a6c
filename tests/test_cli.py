"""`smt` / `python -m smt_gui`: the same core functions as the Documents tab, with exit codes scripts can use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import QUALITY_SMALL, REPO

GOOD = Path(__file__).parent / "data" / "good"
BAD = Path(__file__).parent / "data" / "bad"


def smt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smt_gui", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_init_ingest_and_list(tmp_path):
    project = tmp_path / "proj"
    init = smt("project", "init", str(project), "--name", "Field notes")
    assert init.returncode == 0 and "Field notes" in init.stdout

    ingest = smt("ingest", str(project), str(GOOD / "notes.txt"), str(QUALITY_SMALL),
                 "--chunk-tokens", "256", "--overlap", "32")
    assert ingest.returncode == 0, ingest.stderr
    assert "58 eval question(s) imported" in ingest.stdout

    listing = smt("docs", str(project), "--json")
    rows = json.loads(listing.stdout)
    assert len(rows) == 6
    notes = next(r for r in rows if r["source_name"] == "notes.txt")
    assert notes["n_words"] == len((GOOD / "notes.txt").read_text().split())
    assert "6 document(s)" in smt("docs", str(project)).stdout


def test_bad_files_exit_1_with_a_message_and_good_ones_still_load(tmp_path):
    project = tmp_path / "proj"
    smt("project", "init", str(project))
    result = smt("ingest", str(project), str(BAD / "binary.txt"), str(GOOD / "handbook.md"))
    assert result.returncode == 1
    assert "binary.txt looks like a binary file" in result.stdout
    assert "1 document(s) added from 1 file(s); 1 file(s) failed." in result.stdout


def test_a_folder_that_is_not_a_project_is_a_usage_error(tmp_path):
    result = smt("docs", str(tmp_path))
    assert result.returncode == 2 and "not an SMT Studio project" in result.stderr


def test_a_missing_tokenizer_model_is_a_clear_error(tmp_path):
    project = tmp_path / "proj"
    smt("project", "init", str(project))
    result = smt("ingest", str(project), str(GOOD / "notes.txt"), "--tokenizer", "/nowhere/model.gguf")
    assert result.returncode == 2 and "does not exist" in result.stderr
