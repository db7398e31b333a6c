"""The project's own eval set: held-out QAs and typed questions, never trained on; metrics without a judge;
retention (what fine-tuning cost)."""

from __future__ import annotations

import json

import pytest

from smt_gui import curate
from smt_gui.curate.checks import check_leakage
from smt_gui.evaluate.job import EvalConfig, eval_questions, evaluate
from smt_gui.evaluate.own_split import add_typed_questions, own_items, parse_typed, span_type
from smt_gui.factbench import BenchConfig, write_benchmark
from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.tokenizers import load_tokenizer
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig, build_mixture


@pytest.fixture
def facts(project, tmp_path):
    """A fictional-facts document with one accepted window QA per fact (what the Generate tab would make)."""
    [row] = write_benchmark(tmp_path / "facts.jsonl", BenchConfig(people=3, seed=8))
    ingest_paths(project, [tmp_path / "facts.jsonl"])
    doc, chunk, _ = first_chunk(project, row["title"])
    with project.connect() as conn:
        conn.execute("DELETE FROM eval_questions")  # a user's own project: no benchmark questions
    ids = []
    for f in row["facts"]:
        sid = insert_sample(project, "qa", doc, chunk, f"What about {f['entity']} and the {f['attribute']}?",
                            f"{f['value']}. {f['sentence']}", status="accepted")
        with project.connect() as conn:
            conn.execute("UPDATE samples SET generator = ? WHERE id = ?",
                         (json.dumps({"answer_span": f["value"], "question_source": "model"}), sid))
        ids.append(sid)
    return project, row, ids


def test_holding_out_a_share_per_document_is_seeded_and_undoable(facts):
    project, _row, ids = facts
    held = curate.hold_out(project, 0.2, seed=3)
    assert held == round(0.2 * len(ids))
    _, n_eval = curate.query_samples(project, curate.SampleFilter(split="eval"))
    assert n_eval == held
    first = set(curate.matching_ids(project, curate.SampleFilter(split="eval")))
    assert curate.undo_last(project) == held
    assert curate.hold_out(project, 0.2, seed=3) == held
    assert set(curate.matching_ids(project, curate.SampleFilter(split="eval"))) == first  # same seed, same items
    with pytest.raises(ValueError, match="between 0 and 1"):
        curate.hold_out(project, 1.5)


def test_a_held_out_item_never_enters_a_training_mixture(facts):
    project, _, ids = facts
    curate.set_split(project, ids[:4], "eval")
    mix = build_mixture(project, MixtureConfig(include_originals=False, replay_share=0.0), load_tokenizer(None))
    used = {int(k) for k in mix.summary["sample_ids"]}
    assert used == set(ids[4:]) and not used & set(ids[:4])
    # ... not even when a recipe names it explicitly
    mix = build_mixture(project, MixtureConfig(sample_ids=ids, include_originals=False, replay_share=0.0),
                        load_tokenizer(None))
    assert not {int(k) for k in mix.summary["sample_ids"]} & set(ids[:4])


def test_leakage_flags_a_training_copy_of_a_held_out_question(facts):
    project, _, ids = facts
    curate.set_split(project, [ids[0]], "eval")
    with project.connect() as conn:
        doc, chunk, question = conn.execute("SELECT document_id, chunk_id, question FROM samples WHERE id = ?",
                                            (ids[0],)).fetchone()
    copy = insert_sample(project, "qa", doc, chunk, question.replace("What about", "What about,"), "x. y")
    rows = [{"id": i, "question": q, "document_id": doc} for i, q in ((ids[0], question), (copy, question), (ids[1], "Who?"))]
    results = check_leakage(project, rows)
    assert results[copy]["leakage"]["score"] >= 0.8 and "held-out QA" in results[copy]["leakage"]["reason"]
    assert results[ids[0]]["leakage"]["reason"].startswith("held out")  # the eval item itself is not a leak


def test_held_out_qas_become_multiple_choice_with_same_type_distractors(facts):
    project, _row, ids = facts
    curate.set_split(project, ids, "eval")
    items = own_items(project)
    assert len(items) == len(ids) and all(i["id"] < 0 for i in items)
    with_options = [i for i in items if i["options"]]
    assert len(with_options) >= 0.8 * len(items)
    for item in with_options:
        gold = item["options"][item["answer_index"]]
        assert gold == item["answer"] and len(set(item["options"])) == 4
        assert {span_type(o) for o in item["options"]} == {span_type(gold)}  # years against years, names against names
    assert eval_questions(project, EvalConfig(arms=["base"])) == items


def test_typed_questions_join_the_eval_set(facts):
    project, row, _ = facts
    entity = row["facts"][0]["entity"]
    rows = parse_typed(f"When was {entity} born? | {row['facts'][0]['value']}\n\n"
                       '{"question": "Which company?", "answer": "none"}')
    assert len(rows) == 2 and add_typed_questions(project, rows) == 2
    questions = eval_questions(project, EvalConfig(arms=["base"], own_split=False))
    assert next(q["question"] for q in questions) == f"When was {entity} born?"
    with pytest.raises(ValueError, match="question \\| answer"):
        parse_typed("no separator here")


@pytest.mark.slow
def test_own_split_is_scored_without_a_judge_and_retention_is_reported(facts):
    project, _, ids = facts
    curate.set_split(project, ids[:6], "eval")
    run = runner.prepare_run(project, TrainConfig(method="lora", max_steps=2, batch_size=2, name="own",
                                                  mixture=MixtureConfig(seq_len=128)))
    assert runner.wait(runner.launch(project, run), run, poll_s=0.5) == 0
    report = evaluate(project, EvalConfig(arms=["base", "tuned"], run="own", generate_choice=False, max_new_tokens=16,
                                          general_questions=24, drift_instructions=2))
    for arm in ("base", "tuned"):
        summary = report["summary"][arm]
        assert summary["n"] == 6 and summary["n_ref"] == 6
        assert summary["ref_loglik_ci95"][0] <= summary["mean_ref_loglik"] <= summary["ref_loglik_ci95"][1] < 0
        # the model's own answer is generated and graded too: beside multiple choice, or as the answer itself
        assert all("gen_correct" in r if r["options"] else "reason" in r and "predicted" in r
                   for r in report["records"][arm])
    [comparison] = report["comparisons"]
    assert comparison["ref_loglik"]["n"] == 6
    assert {r["set"] for r in report["by_set"]} == {"held-out QA"}
    retention = report["retention"]
    knowledge, drift = (next(v for k, v in retention.items() if k.startswith(name))
                        for name in ("general knowledge", "instruction drift"))
    assert knowledge["base"] > 0.4 and knowledge["change"] == pytest.approx(knowledge["tuned"] - knowledge["base"])
    assert drift["base"] < 0 and drift["change"] == pytest.approx(drift["tuned"] - drift["base"], abs=1e-3)
    perplexities = {k: v for k, v in retention.items() if v["measure"] == "perplexity"}
    assert set(perplexities) == {"generic text (held out)", "your documents"}
    for values in perplexities.values():
        assert values["base"] > 1 and values["tuned"] > 1 and values["change"] == pytest.approx(
            values["tuned"] / values["base"] - 1, abs=1e-3)
