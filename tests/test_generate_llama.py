"""Generation with the real bundled GGUF (SmolLM2-135M-Instruct) through llama-cpp-python, on a real passage."""

from __future__ import annotations

import json
import re
import time

import pytest

from smt_gui import generate as gen
from smt_gui.generate.job import GenerateConfig, plan_units
from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.jobs import cancel_job, get_job, wait_job

from .conftest import QUALITY_SMALL

pytestmark = pytest.mark.slow


@pytest.fixture
def passage_project(project, tmp_path):
    """The opening of a real QuALITY article (~1,500 characters), cut into small chunks."""
    article = json.loads(QUALITY_SMALL.read_text().splitlines()[3])  # CAPTAIN CHAOS
    text = article["text"][:1500]
    path = tmp_path / "captain_chaos.jsonl"
    path.write_text(json.dumps({"title": article["title"], "text": text}) + "\n")
    ingest_paths(project, [path], config=ChunkingConfig(size=128, overlap=16))
    return project, text


def rows(project, kind=None):
    query = "SELECT * FROM samples" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
    with project.connect() as conn:
        return [dict(r) for r in conn.execute(query, (kind,) if kind else ())]


def content_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


def test_qas_parse_and_reference_the_document(passage_project):
    project, text = passage_project
    job = gen.generate(project, GenerateConfig(kinds=["qa"], max_chunks=2, qa_per_chunk=3, qa_max_tokens=256))
    assert job["status"] == "done", job["error"]
    qas = rows(project, "qa")
    assert qas, gen.failures(project)
    for qa in qas:
        assert qa["question"].strip() and qa["answer"].strip() and qa["n_tokens"] > 0
        provenance = json.loads(qa["generator"])
        assert provenance["kind"] == "llama_cpp" and provenance["prompt_version"] == "qa-v1"
    overlap = set().union(*(content_words(q["question"] + " " + q["answer"]) for q in qas)) & content_words(text)
    assert overlap, "the QAs should mention something from the passage"


def test_focal_rewrites_differ_by_question(passage_project):
    project, _ = passage_project
    questions = ["Why did the skipper send Mister Dugan to find a cook?",
                 "What was wrong with the cook they left on Phobos?"]
    job = gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], user_questions=questions, doc_max_tokens=160))
    assert job["status"] == "done", job["error"]
    focal = rows(project, "focal_rewrite")
    by_question = {r["question"]: r["text"] for r in focal}
    assert set(by_question) == set(questions), gen.failures(project)
    assert by_question[questions[0]] != by_question[questions[1]]


def test_resume_after_cancel_finishes_without_duplicates(passage_project):
    project, _ = passage_project
    config = GenerateConfig(kinds=["qa"], qa_per_chunk=2, qa_max_tokens=160)
    total_units = len(plan_units(project, config, "qa"))
    assert total_units >= 3
    context = gen.start_generation(project, config)
    deadline = time.time() + 180
    while time.time() < deadline:
        with project.connect() as conn:
            if conn.execute("SELECT COUNT(*) FROM generation_log").fetchone()[0] >= 1:
                break
        time.sleep(0.2)
    cancel_job(project, context.job_id)
    wait_job(project, context.job_id, timeout=180)
    assert get_job(project, context.job_id)["status"] == "cancelled"
    with project.connect() as conn:
        before = {r["unit_key"]: r["id"] for r in conn.execute("SELECT unit_key, id FROM generation_log")}
    assert 1 <= len(before) < total_units

    gen.resume_generation(project, context.job_id, background=False)
    assert get_job(project, context.job_id)["status"] == "done"
    with project.connect() as conn:
        after = {r["unit_key"]: r["id"] for r in conn.execute("SELECT unit_key, id FROM generation_log")}
        logged = conn.execute("SELECT SUM(n_samples) FROM generation_log").fetchone()[0]
    assert len(after) == total_units
    assert all(after[key] == row_id for key, row_id in before.items())  # finished units were not redone
    samples = rows(project)
    assert len(samples) == logged and len({s["job_key"] for s in samples}) == len(samples)
