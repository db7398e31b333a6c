"""Coverage of a document's sentences by accepted samples, and the Train tab's "will this learn?" advice."""

from __future__ import annotations

from smt_gui.coverage import coverage_summary, document_coverage, uncovered_spans
from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import insert_sample
from smt_gui.train.advice import MIN_EXPOSURES, learning_advice
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig

DOC = ("# Staff notes\n\nMarta Quell opened a bakery in Dunmore in 1998. She sold it to her cousin in 2004. "
       "The bakery had four ovens and a stone floor.\n\nTomas Brandt repaired clocks in Ellery for thirty years.")


def project_with_doc(project, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(DOC)
    ingest_paths(project, [path])
    with project.connect() as conn:
        doc_id, chunk_id = conn.execute("SELECT document_id, id FROM chunks").fetchone()
    return doc_id, chunk_id


def window_sample(project, doc_id, chunk_id, sentence, status="accepted"):
    start = DOC.index(sentence)
    sample_id = insert_sample(project, "qa", doc_id, chunk_id, "When did Marta Quell open a bakery?",
                              f"1998. {sentence}", status=status)
    with project.connect() as conn:
        conn.execute("UPDATE samples SET source_start = ?, source_end = ?, source_text = ? WHERE id = ?",
                     (start, start + len(sentence), sentence, sample_id))
    return sample_id


def test_only_accepted_samples_cover_and_headings_do_not_count(project, tmp_path):
    doc_id, chunk_id = project_with_doc(project, tmp_path)
    cov = document_coverage(project, doc_id)
    assert [s.text[:12] for s in cov.sentences] == ["Marta Quell ", "She sold it ", "The bakery h", "Tomas Brandt"]
    assert cov.n_covered == 0
    accepted = window_sample(project, doc_id, chunk_id, "Marta Quell opened a bakery in Dunmore in 1998.")
    window_sample(project, doc_id, chunk_id, "She sold it to her cousin in 2004.", status="rejected")
    cov = document_coverage(project, doc_id)
    assert [s.samples for s in cov.sentences] == [[accepted], [], [], []]
    assert coverage_summary(project) == [{"document_id": doc_id, "title": "Staff notes", "sentences": 4, "covered": 1,
                                          "share": 0.25}]


def test_a_chunk_sample_covers_the_sentences_whose_facts_it_states(project, tmp_path):
    doc_id, chunk_id = project_with_doc(project, tmp_path)
    sid = insert_sample(project, "rewrite", doc_id, chunk_id,
                        text="For thirty years Tomas Brandt repaired the clocks of Ellery.", status="accepted")
    insert_sample(project, "rewrite", doc_id, chunk_id, text="Tomas Brandt repaired clocks in Ellery for ten years.",
                  status="accepted")  # a wrong number: does not cover the sentence
    cov = document_coverage(project, doc_id)
    assert [s.samples for s in cov.sentences] == [[], [], [], [sid]]


def test_uncovered_spans_are_exact_sentence_spans(project, tmp_path):
    doc_id, chunk_id = project_with_doc(project, tmp_path)
    window_sample(project, doc_id, chunk_id, "Marta Quell opened a bakery in Dunmore in 1998.")
    spans = uncovered_spans(project)[str(doc_id)]
    assert [DOC[a:b] for a, b in spans] == ["She sold it to her cousin in 2004.", "The bakery had four ovens and a stone floor.",
                                           "Tomas Brandt repaired clocks in Ellery for thirty years."]


def test_advice_warns_when_a_run_cannot_learn(project, tmp_path):
    doc_id, chunk_id = project_with_doc(project, tmp_path)
    sid = window_sample(project, doc_id, chunk_id, "Marta Quell opened a bakery in Dunmore in 1998.")
    summary = {"sample_ids": {str(sid): 1}, "examples": 4, "config": {"include_originals": True}}
    short = learning_advice(project, TrainConfig(method="lora", epochs=1, mixture=MixtureConfig()), summary)
    assert short.exposures_median == 2  # one QA + the original document, one epoch
    text = short.text()
    assert f"needed at least {MIN_EXPOSURES}" in text and "LoRA/QLoRA learn less" in text
    assert "Only 25% of the documents' fact-bearing sentences are covered" in text
    long = learning_advice(project, TrainConfig(epochs=MIN_EXPOSURES), summary)
    assert long.exposures_median == 2 * MIN_EXPOSURES and "Too little training" not in long.text()


def test_the_plan_says_what_the_recipe_is_expected_to_cost(project, tmp_path):
    """The Train tab and smt train state the measured cost of the chosen recipe (benchmarks/README.md)."""
    from smt_gui.train.advice import MEASURED_COST

    doc_id, chunk_id = project_with_doc(project, tmp_path)
    sid = window_sample(project, doc_id, chunk_id, "Marta Quell opened a bakery in Dunmore in 1998.")
    summary = {"sample_ids": {str(sid): 40}, "examples": 4, "config": {"include_originals": True}}
    default = learning_advice(project, TrainConfig(), summary)  # the default: the KL anchor and the blend
    assert default.cost == MEASURED_COST["full+kl+blend"] and "14%" in default.text() and "42%" in default.text()
    assert "default anchors" not in default.text()
    plain = learning_advice(project, TrainConfig(blend_with_base=False, mixture=MixtureConfig(replay_kl=False)), summary)
    assert plain.cost == MEASURED_COST["full"] and "by 72%" in plain.text() and "66%" in plain.text()
    assert "turn on 'Blend back toward the base model' and 'Replay: keep" in plain.text()
    unanchored = learning_advice(project, TrainConfig(mixture=MixtureConfig(replay_kl=False)), summary)
    assert unanchored.cost == MEASURED_COST["full+blend"] and "turn on 'Replay: keep" in unanchored.text()
    assert learning_advice(project, TrainConfig(blend_with_base=False), summary).cost == MEASURED_COST["full+kl"]
    assert learning_advice(project, TrainConfig(method="lora"), summary).cost is None


def test_the_coverage_planner_sorts_key_facts_by_where_they_are_lost(tmp_path):
    """``benchmarks/coverage_plan.py`` (no model): a fact the planner asks for, one a later round asks for, and one
    in a sentence with no question are told apart, so its table can show a loss."""
    from benchmarks.coverage_plan import classify

    text = ("# The Orchard Mill\n\nThe Orchard Mill was built by Jonas Treddick in 1791.\n\n"
            "Milling stopped in 1887.\n\nOpen daily.\n")
    facts = [{"sentence": "The Orchard Mill was built by Jonas Treddick in 1791.", "value": "1791", "type": "year",
              "asks": "When was the mill built?"},
             {"sentence": "The Orchard Mill was built by Jonas Treddick in 1791.", "value": "Jonas Treddick",
              "type": "person", "asks": "Who built the mill?"},
             {"sentence": "Milling stopped in 1887.", "value": "1887", "type": "year", "asks": "When did milling stop?"},
             {"sentence": "Open daily.", "value": "daily", "type": "thing", "asks": "How often is it open?"}]
    row = {"id": "tiny", "title": "The Orchard Mill", "genre": "history", "text": text, "questions": [],
           "facts": facts}
    reasons = {f["value"]: f["reason"] for f in classify(row, tmp_path / "p", qa_per_window=1)}
    assert reasons["1887"] == "asked"
    assert {reasons["1791"], reasons["Jonas Treddick"]} == {"asked", "later round"}  # one QA per window asked
    assert reasons["daily"] in {"no window", "no candidate"}


def test_question_reach_counts_only_sentences_a_question_can_ask_about(tmp_path):
    """``benchmarks/question_reach.py`` (no model): a sentence a question reaches counts, a narrator's line and
    dialogue do not, so the share falls on a story's kind of prose."""
    from benchmarks.question_reach import reach

    row = {"id": "mixed", "set": "test", "text": (
        "The Harrowgate Ferry Cooperative was founded in 1987 by forty-two residents.\n\n"
        "I'd never seen a live young lady before. \"I don't think I want to go,\" he blurted.\n")}
    result = reach(row, tmp_path / "p" / "project")
    assert result["reached"] == 1 and result["fact_sentences"] >= 2 and result["share"] < 1
