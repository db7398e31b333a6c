"""kill -9 during a real generation job: the project opens, the job shows as interrupted, resume completes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.jobs import get_job
from smt_gui.project import Project

from .conftest import QUALITY_SMALL, REPO

pytestmark = pytest.mark.slow


def test_killed_generation_resumes_without_losing_or_duplicating(tmp_path):
    project = Project.create(tmp_path / "proj")
    article = json.loads(QUALITY_SMALL.read_text().splitlines()[0])
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(json.dumps({"title": article["title"], "text": article["text"][:3000]}) + "\n")
    ingest_paths(project, [corpus], config=ChunkingConfig(size=128, overlap=0))
    with project.connect() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('marker', '\"kept\"')")
    cmd = [sys.executable, "-m", "smt_gui", "generate", str(project.root), "--kind", "qa", "--strategy", "chunk", "--qa-per-chunk", "1",
           "--max-chunks", "4"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 240
    while time.time() < deadline:
        with project.connect() as conn:
            if conn.execute("SELECT COUNT(*) FROM generation_log").fetchone()[0] >= 1:
                break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    reopened = Project.open(project.root)  # as after a restart
    with reopened.connect() as conn:
        job_id = conn.execute("SELECT id FROM jobs").fetchone()[0]
        done_before = conn.execute("SELECT COUNT(*) FROM generation_log").fetchone()[0]
        samples_before = conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
    assert get_job(reopened, job_id)["status"] == "interrupted"
    assert reopened.get_setting("marker") == "kept"
    assert 1 <= done_before < 4

    resumed = subprocess.run([sys.executable, "-m", "smt_gui", "generate", str(project.root), "--resume", str(job_id)],
                             cwd=REPO, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"job {job_id}: done" in resumed.stdout
    with reopened.connect() as conn:
        assert conn.execute("SELECT COUNT(*) FROM generation_log").fetchone()[0] == 4
        keys = [r[0] for r in conn.execute("SELECT job_key FROM samples")]
    assert len(keys) == len(set(keys)) >= samples_before
