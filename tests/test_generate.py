"""Generation orchestration with a scripted backend: units, retries, failures kept with raw text, budget, resume."""

from __future__ import annotations

import json

import pytest

from smt_gui import generate as gen
from smt_gui.generate.job import GenerateConfig, plan_units
from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.jobs import get_job
from smt_gui.llm.base import BackendError

from .conftest import QUALITY_SMALL, require_shared
from .fakes import ScriptedBackend, good_answer


@pytest.fixture
def corpus(project):
    ingest_paths(project, [require_shared(QUALITY_SMALL)], config=ChunkingConfig(size=512, overlap=64))
    with project.connect() as conn:
        doc_id = conn.execute("SELECT id FROM documents WHERE title = 'The Absurdity of Family Love'").fetchone()[0]
    return project, doc_id


@pytest.fixture
def use_backend(monkeypatch):
    def install(backend):
        monkeypatch.setattr("smt_gui.generate.job.get_backend", lambda config: backend)
        return backend
    return install


def samples(project):
    with project.connect() as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM samples ORDER BY id")]


def test_qa_then_focal_rewrites_conditioned_on_the_generated_questions(corpus, use_backend):
    project, doc = corpus
    backend = use_backend(ScriptedBackend(good_answer))
    job = gen.generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"], document_ids=[doc], max_chunks=2,
                                               qa_per_chunk=1))
    assert job["status"] == "done"
    rows = samples(project)
    qas = [r for r in rows if r["kind"] == "qa"]
    focal = [r for r in rows if r["kind"] == "focal_rewrite"]
    assert len(qas) == 2 and len(focal) == 2
    assert {f["question"] for f in focal} == {q["question"] for q in qas}
    focal_prompts = [r.messages[1]["content"] for r in backend.requests if r.json_schema is None]
    assert all("Focus on the question: What happened" in p for p in focal_prompts)
    assert qas[0]["chunk_id"] is not None and '"prompt_version": "qa-v1"' in qas[0]["generator"]
    # the paper's sampling recipe: QAs at T=1.0/top-p 1.0, documents at T=0.7/top-p 0.95
    assert (backend.requests[0].temperature, backend.requests[0].top_p) == (1.0, 1.0)
    assert (backend.requests[-1].temperature, backend.requests[-1].top_p) == (0.7, 0.95)


def test_malformed_output_is_retried_then_kept_as_a_failure_with_raw_text(corpus, use_backend):
    project, doc = corpus
    use_backend(ScriptedBackend(lambda request, call: "I am sorry, I cannot do JSON." if call <= 3 else good_answer(request, call)))
    job = gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=2, max_retries=2))
    assert job["status"] == "done"
    [failure] = gen.failures(project)
    assert failure["attempts"] == 3 and "cannot do JSON" in failure["raw"]
    assert failure["error"] == "no question/answer pairs could be parsed"
    assert len(samples(project)) == 1  # the second chunk parsed on its first try


def test_a_retry_that_succeeds_leaves_no_failure(corpus, use_backend):
    project, doc = corpus
    use_backend(ScriptedBackend(lambda request, call: "{broken" if call == 1 else good_answer(request, call)))
    gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=1))
    assert gen.failures(project) == [] and len(samples(project)) == 1


def test_degenerate_items_are_rejected(corpus, use_backend):
    project, doc = corpus
    example = "Why did the station replace the pump named Ada in 2019?"
    copy_of_example = json.dumps({"qas": [{"question": example, "answer": "Because its bearing failed."},
                                          {"question": "ok", "answer": "x"}]})
    use_backend(ScriptedBackend(lambda request, call: copy_of_example if request.json_schema else "too short"))
    gen.generate(project, GenerateConfig(kinds=["qa", "rewrite"], document_ids=[doc], max_chunks=1, max_retries=0))
    assert samples(project) == []
    reasons = " ".join(f["error"] for f in gen.failures(project))
    assert "copied the prompt's example" in reasons and "rewrite too short" in reasons


def test_token_budget_stops_the_job(corpus, use_backend):
    project, doc = corpus
    use_backend(ScriptedBackend(good_answer))
    job = gen.generate(project, GenerateConfig(kinds=["rewrite"], document_ids=[doc], token_budget=30))
    assert job["progress"]["result"]["stop_reason"] == "token budget reached"
    assert 1 <= len(samples(project)) < len(plan_units(project, GenerateConfig(kinds=["rewrite"], document_ids=[doc]), "rewrite"))


def test_unreachable_backend_fails_the_job_with_its_message_and_resume_finishes(corpus, use_backend):
    project, doc = corpus
    use_backend(ScriptedBackend(lambda request, call: BackendError("Cannot reach the endpoint http://x/v1")))
    job = gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=2))
    assert job["status"] == "failed" and "Cannot reach the endpoint" in job["error"]
    assert samples(project) == [] and gen.failures(project) == []  # nothing recorded as finished

    use_backend(ScriptedBackend(good_answer))
    gen.resume_generation(project, job["id"], background=False)
    assert get_job(project, job["id"])["status"] == "done" and len(samples(project)) == 2


def test_resume_skips_finished_units_and_stores_nothing_twice(corpus, use_backend):
    project, doc = corpus
    config = GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=3)
    first = use_backend(ScriptedBackend(lambda request, call: good_answer(request, call) if call <= 2
                                        else BackendError("server went away")))
    job = gen.generate(project, config)
    assert job["status"] == "failed" and len(samples(project)) == 2
    second = use_backend(ScriptedBackend(good_answer))
    gen.resume_generation(project, job["id"], background=False)
    assert len(second.requests) == 1 and len(first.requests) >= 3
    rows = samples(project)
    assert len(rows) == 3 and len({r["job_key"] for r in rows}) == 3


def test_a_new_seed_is_a_new_round_over_the_same_chunks(corpus, use_backend):
    project, doc = corpus
    use_backend(ScriptedBackend(good_answer))
    gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=1, seed=0))
    gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=1, seed=0))
    assert len(samples(project)) == 1
    gen.generate(project, GenerateConfig(kinds=["qa"], document_ids=[doc], max_chunks=1, seed=1))
    assert len(samples(project)) == 2


def test_user_questions_focus_rewrites_on_the_best_matching_chunk(corpus, use_backend):
    project, doc = corpus
    backend = use_backend(ScriptedBackend(good_answer))
    question = "What does the author say about adoption by biological parents and blood ties?"
    gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], document_ids=[doc], user_questions=[question]))
    [row] = samples(project)
    assert row["question"] == question
    assert "blood ties" in backend.requests[0].messages[1]["content"]


def test_config_round_trips_and_rejects_unknown_settings():
    config = GenerateConfig(kinds=["qa"], qa_per_chunk=5)
    assert GenerateConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="Unknown sample kinds"):
        GenerateConfig.from_dict({"kinds": ["poems"]})
