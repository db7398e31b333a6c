"""Curation on real stored samples: filters, bulk actions, edits with originals, undo, checks, export/import."""

from __future__ import annotations

import json

import pytest

from smt_gui import curate
from smt_gui.curate import SampleFilter
from smt_gui.documents import list_eval_questions
from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample

from .conftest import QUALITY_SMALL

BRIDGE_Q = "Why does the author say family love is absurd from a biological point of view?"


@pytest.fixture
def stocked(project):
    """The QuALITY articles plus QAs and rewrites like a generator would write, with planted problems."""
    ingest_paths(project, [QUALITY_SMALL])
    doc, chunk, chunk_text = first_chunk(project, "The Absurdity of Family Love")
    doc2, chunk2, _ = first_chunk(project, "CAPTAIN CHAOS")
    ids = {
        "love": insert_sample(project, "qa", doc, chunk, BRIDGE_Q,
                              "Because the biology of parental love means caring for kin who share your genes, "
                              "which makes the exaltation of blood ties look confused."),
        "paraphrase": insert_sample(project, "qa", doc, chunk,
                                    "From a biological standpoint, why does the author call family love absurd?",
                                    "Because parental love is just biology favouring relatives who carry your genes."),
        "copy": insert_sample(project, "qa", doc, chunk,
                              "Why does the author say that family love is absurd from a biological point of view?",
                              "Because parental love is biology favouring relatives who carry your genes."),
        "distinct": insert_sample(project, "qa", doc, chunk, "What does the author do every Christmas with his camcorder?",
                                  "He becomes a slave to his camcorder, filming his children every Christmas."),
        "cook": insert_sample(project, "qa", doc2, chunk2, "Where did the crew pick up their new cook?",
                              "They picked up the new cook on Phobos, the inner moon of Mars."),
        "ungrounded": insert_sample(project, "qa", doc2, chunk2, "What colour was the spaceship's hull?",
                                    "The hull was painted bright purple with golden zebra stripes."),
        "invented": insert_sample(project, "qa", doc2, chunk2, "Where did the crew pick up their new cook?",
                                  "They picked up the new cook on Khvaletk, the inner moon of Mars, in 2291."),
        "rewrite": insert_sample(project, "focal_rewrite", doc, chunk, BRIDGE_Q, text=chunk_text[:600]),
    }
    leaked_question = list_eval_questions(project, doc)[0]["question"]
    ids["leak"] = insert_sample(project, "qa", doc, chunk, leaked_question, "A planted copy of a benchmark question.")
    return project, ids, leaked_question


def test_filters_by_kind_status_search_and_document(stocked):
    project, ids, _ = stocked
    rows, total = curate.query_samples(project, SampleFilter(kind="qa"))
    assert total == 8 and all(r["kind"] == "qa" for r in rows)
    _, total = curate.query_samples(project, SampleFilter(search="camcorder"))
    assert total == 2  # the QA and the rewrite of the passage that mentions it
    rows, total = curate.query_samples(project, SampleFilter(search="phobos", kind="qa"))
    assert [r["id"] for r in rows] == [ids["cook"]]  # (the invented answer says Khvaletk)
    curate.set_status(project, [ids["cook"]], "accepted")
    rows, total = curate.query_samples(project, SampleFilter(status="accepted"))
    assert [r["id"] for r in rows] == [ids["cook"]]
    doc_id = rows[0]["document_id"]
    _, total = curate.query_samples(project, SampleFilter(document_id=doc_id))
    assert total == 3


def test_paging_and_sorting(stocked):
    project, _, _ = stocked
    page1, total = curate.query_samples(project, page=1, page_size=3, sort="oldest")
    page3, _ = curate.query_samples(project, page=3, page_size=3, sort="oldest")
    assert total == 9 and len(page1) == 3 and len(page3) == 3
    assert page1[0]["id"] < page1[1]["id"] < page3[0]["id"]


def test_bulk_accept_on_the_filtered_set_and_undo(stocked):
    project, ids, _ = stocked
    flt = SampleFilter(kind="qa", search="author")
    matched = curate.matching_ids(project, flt)
    assert ids["love"] in matched and ids["cook"] not in matched
    assert curate.set_status(project, matched, "accepted") == len(matched)
    _, accepted = curate.query_samples(project, SampleFilter(status="accepted"))
    assert accepted == len(matched)
    assert curate.set_status(project, matched, "accepted") == 0  # nothing left to change
    assert curate.undo_last(project) == len(matched)
    _, accepted = curate.query_samples(project, SampleFilter(status="accepted"))
    assert accepted == 0


def test_edit_keeps_the_original_and_can_be_undone(stocked):
    project, ids, _ = stocked
    curate.edit_sample(project, ids["cook"], answer="The crew picked up the new cook on Phobos, Mars' inner moon.")
    sample = curate.get_sample(project, ids["cook"])
    assert sample["answer"].startswith("The crew picked up") and sample["edited_at"]
    assert sample["original"]["answer"] == "They picked up the new cook on Phobos, the inner moon of Mars."
    with project.connect() as conn:
        event = conn.execute("SELECT action, at FROM sample_events WHERE sample_id = ?", (ids["cook"],)).fetchone()
    assert event["action"] == "edit" and event["at"]
    curate.undo_last(project)
    sample = curate.get_sample(project, ids["cook"])
    assert sample["answer"].startswith("They picked up") and sample["edited_at"] is None


def test_near_duplicate_check_flags_copies_and_keeps_paraphrases(stocked):
    project, ids, _ = stocked
    curate.run_checks(project, ("near_duplicate",))
    score = {k: curate.get_sample(project, i)["scores"]["near_duplicate"] for k, i in ids.items()}
    assert score["copy"]["score"] >= 0.9 and f"#{ids['love']}" in score["copy"]["reason"]
    assert score["love"]["score"] == 0.0  # the first copy is kept
    # A paraphrase asks for the same fact in other words: exactly what teaches it, so it is kept.
    assert score["paraphrase"]["score"] < 0.9
    assert score["distinct"]["score"] < 0.9 and score["cook"]["score"] < 0.9
    assert curate.apply_rule(project, "near_duplicate", 0.9) == 1
    assert curate.get_sample(project, ids["copy"])["status"] == "rejected"
    assert curate.get_sample(project, ids["love"])["status"] == "pending"


def test_samples_stating_different_numbers_are_never_duplicates(project):
    from smt_gui.curate.checks import check_near_duplicates

    base = {"kind": "qa", "answer": "", "text": None}
    samples = [{**base, "id": 1, "question": "Who was born in 1982?"}, {**base, "id": 2, "question": "Who was born in 1994?"},
               {**base, "id": 3, "question": "Who was born in 1982?"}]
    scores = {i: r["near_duplicate"]["score"] for i, r in check_near_duplicates(samples).items()}
    assert scores == {1: 0.0, 2: 0.0, 3: 1.0}


def test_leakage_check_flags_a_planted_quality_question(stocked):
    project, ids, leaked = stocked
    flagged = curate.run_checks(project, ("leakage",))
    assert flagged["leakage"] == 1
    leak = curate.get_sample(project, ids["leak"])["scores"]["leakage"]
    assert leak["score"] >= 0.99 and leak["reason"].startswith("copies eval question")
    assert leaked[:40] in leak["reason"]
    assert curate.get_sample(project, ids["cook"])["scores"]["leakage"]["score"] < 0.9


def test_grounding_and_format_scores_have_reasons(stocked):
    project, ids, _ = stocked
    curate.run_checks(project, ("grounding", "format"))
    cook = curate.get_sample(project, ids["cook"])["scores"]
    made_up = curate.get_sample(project, ids["ungrounded"])["scores"]
    assert cook["grounding"]["score"] > made_up["grounding"]["score"]
    assert "purple" in made_up["grounding"]["reason"] and made_up["grounding"]["score"] < 0.5
    assert cook["format"] == {"score": 1.0, "reason": "ok"}
    rows, _ = curate.query_samples(project, SampleFilter(score_name="grounding", score_max=0.3))
    assert ids["ungrounded"] in [r["id"] for r in rows]


def test_a_wrong_name_or_number_scores_zero_however_many_words_it_shares(stocked):
    project, ids, _ = stocked
    curate.run_checks(project, ("grounding",))
    invented = curate.get_sample(project, ids["invented"])["scores"]["grounding"]
    cook = curate.get_sample(project, ids["cook"])["scores"]["grounding"]
    assert invented == {"score": 0.0, "reason": "hallucinated: 'Khvaletk', '2291' not in source"}
    assert cook["score"] > 0.5 and cook["reason"].startswith("names and numbers all in the source")
    assert curate.reject_hallucinated(project) == 2  # what `smt curate --auto` does: invented facts, or no support
    assert curate.get_sample(project, ids["invented"])["status"] == "rejected"
    assert curate.get_sample(project, ids["ungrounded"])["status"] == "rejected"
    assert curate.get_sample(project, ids["cook"])["status"] == "pending"


def test_export_round_trips_through_datasets_and_jsonl_reimport(stocked, tmp_path):
    from datasets import load_from_disk

    project, ids, _ = stocked
    curate.set_status(project, [ids["cook"], ids["rewrite"]], "accepted")
    folder = curate.export_samples(project, "dataset", tmp_path / "ds")
    dataset = load_from_disk(str(folder))
    assert len(dataset) == 2 and set(dataset["id"]) == {ids["cook"], ids["rewrite"]}
    assert dataset.filter(lambda r: r["id"] == ids["cook"])[0]["answer"].startswith("They picked up")
    assert curate.export_samples(project, "parquet", tmp_path / "s.parquet").stat().st_size > 0

    jsonl = curate.export_samples(project, "jsonl", tmp_path / "s.jsonl")
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    records[0]["answer"] = "Edited elsewhere: the cook came aboard on Phobos."
    records[1]["status"] = "rejected"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    report = curate.import_jsonl(project, jsonl)
    assert report.updated == 2 and len(report.problems) == 1
    cook = curate.get_sample(project, ids["cook"])
    assert cook["answer"].startswith("Edited elsewhere") and cook["original"]["answer"].startswith("They picked up")
    assert curate.get_sample(project, ids["rewrite"])["status"] == "rejected"


def test_export_with_nothing_accepted_says_so(stocked, tmp_path):
    project, _, _ = stocked
    with pytest.raises(ValueError, match="No accepted samples"):
        curate.export_samples(project, "jsonl", tmp_path / "x.jsonl")


def test_llm_judge_scores_are_stored_with_the_judges_reason(stocked):
    from .fakes import ScriptedBackend

    project, ids, _ = stocked
    verdicts = iter([True, False] * 10)
    backend = ScriptedBackend(lambda request, call: json.dumps({"supported": next(verdicts), "reason": f"verdict {call}"}))
    flagged = curate.run_checks(project, (), judge_backend=backend)
    assert flagged["judge"] == 4  # 8 QAs with a source chunk, every second one judged unsupported
    judged = curate.get_sample(project, ids["love"])["scores"]["judge"]
    assert judged == {"score": 1.0, "reason": "verdict 1"}
    assert "Passage:" in backend.requests[0].messages[0]["content"]


def test_written_by_filters_code_made_rewrites_as_well_as_questions(stocked):
    """A person checking what code built finds its rewrites (a clause split, a phrase moved) beside its questions."""
    import json

    project, ids, _ = stocked
    with project.connect() as conn:
        rewrite = conn.execute("SELECT id FROM samples WHERE kind != 'qa' ORDER BY id").fetchone()["id"]
        conn.execute("UPDATE samples SET generator = ? WHERE id = ?", (json.dumps({"rewrite_source": "template"}), rewrite))
        conn.execute("UPDATE samples SET generator = ? WHERE id = ?",
                     (json.dumps({"question_source": "template"}), ids["cook"]))
    rows, _ = curate.query_samples(project, SampleFilter(question_source="template"))
    assert sorted(r["id"] for r in rows) == sorted([rewrite, ids["cook"]])
    rows, _ = curate.query_samples(project, SampleFilter(question_source="template", kind="qa"))
    assert [r["id"] for r in rows] == [ids["cook"]]
