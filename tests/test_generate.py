"""Generation orchestration with a scripted backend (passed in, never monkeypatched): fact windows, answer-aware
QAs, checked rewrites, shortfalls recorded with reasons, retries, budget, resume."""

from __future__ import annotations

import json

import pytest

from smt_gui import generate as gen
from smt_gui.factbench import BenchConfig, write_benchmark
from smt_gui.generate.job import GenerateConfig, plan_units
from smt_gui.ingest import ChunkingConfig, ingest_paths
from smt_gui.jobs import get_job
from smt_gui.llm.base import BackendError

from .conftest import QUALITY_SMALL
from .fakes import ScriptedBackend, good_answer


@pytest.fixture
def corpus(project):
    ingest_paths(project, [QUALITY_SMALL], config=ChunkingConfig(size=512, overlap=64))
    with project.connect() as conn:
        doc_id = conn.execute("SELECT id FROM documents WHERE title = 'The Absurdity of Family Love'").fetchone()[0]
    return project, doc_id


@pytest.fixture
def facts(project, tmp_path):
    """A fictional-facts document: 2 people x 6 facts, every fact known."""
    [row] = write_benchmark(tmp_path / "facts.jsonl", BenchConfig(people=2, seed=3))
    ingest_paths(project, [tmp_path / "facts.jsonl"])
    return project, row


def samples(project, kind=None):
    query = "SELECT * FROM samples" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
    with project.connect() as conn:
        return [dict(r) for r in conn.execute(query, (kind,) if kind else ())]


def sentence_of(request) -> str:
    return request.messages[-1]["content"].split("Sentence: ", 1)[1].split("\nQuestion:", 1)[0]


def passage_of(request) -> str:
    return request.messages[-1]["content"].split("Passage: ", 1)[1].split("\n", 1)[0]


# ---- fact windows ----------------------------------------------------------------------------------------------

def test_window_qas_take_their_answer_from_the_sentence_and_never_store_an_invented_fact(facts):
    project, row = facts

    def script(request, call):
        if "Sentence: " in request.messages[-1]["content"]:  # a question that invents a town every other call
            return "Where did she meet Khvaletk Morrow?" if call % 2 else "What does the sentence say about it?"
        return "irrelevant"

    job = gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=1, max_retries=1, fallback_questions=False),
                       backend=ScriptedBackend(script))
    assert job["status"] == "done"
    assert samples(project) == []  # every question failed a check: nothing stored
    reasons = " ".join(f["error"] for f in gen.failures(project))
    assert "hallucinated: 'Khvaletk Morrow' not in source" in reasons
    result = job["progress"]["result"]
    assert result["made"] == 0 and result["requested"] == len(row["facts"])  # the shortfall is counted, not hidden


def test_asking_for_n_gives_n_items_with_plain_questions_when_the_model_fails(facts):
    project, row = facts
    job = gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=2, max_retries=1),
                       backend=ScriptedBackend(lambda request, call: "I cannot write questions."))
    result = job["progress"]["result"]
    assert result["made"] == result["requested"] >= len(row["facts"])
    qas = samples(project, "qa")
    assert all(json.loads(q["generator"])["question_source"] == "template" for q in qas)
    sentences = {f["sentence"] for f in row["facts"]}
    for qa in qas:  # each answer is a span of its sentence followed by the sentence (pronouns resolved)
        span, _, sentence = qa["answer"].partition(". ")
        assert span.lower() in sentence.lower() and qa["source_text"] == sentence.rstrip()
        assert qa["question"].endswith("?") and span.lower() not in qa["question"].lower()
    assert len(sentences) == len({(q["source_start"], q["source_end"]) for q in qas})


def test_a_good_model_question_is_kept_with_the_candidate_it_leaves_out(facts):
    project, row = facts
    name = row["facts"][0]["entity"]
    year = row["facts"][0]["value"]

    def script(request, call):
        sentence = sentence_of(request)
        return f"In which year was {name} born?" if year in sentence else "nothing useful"

    gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=1, max_retries=0),
                 backend=ScriptedBackend(script))
    model_made = [q for q in samples(project, "qa") if json.loads(q["generator"])["question_source"] == "model"]
    assert [q["question"] for q in model_made] == [f"In which year was {name} born?"]
    assert model_made[0]["answer"].startswith(f"{year}. ") and json.loads(model_made[0]["generator"])["answer_span"] == year


def test_window_rewrites_must_keep_names_and_numbers_and_add_none(facts):
    project, row = facts
    backend = ScriptedBackend(lambda request, call: "I cannot write questions.")
    gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=1), backend=backend)

    def rewrite(request, call):
        passage = passage_of(request)
        if call % 3 == 1:
            return passage.replace(row["facts"][0]["entity"], "Tessy Quill")  # swaps a name
        if call % 3 == 2:
            return "Somebody did something somewhere long ago in a town."  # drops the facts
        words = passage.rstrip(".").split(" ")
        return " ".join(words[1:] + words[:1]) + "."  # keeps every word, new order

    job = gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], focal_questions_per_source=1, max_retries=2),
                       backend=ScriptedBackend(rewrite))
    assert job["status"] == "done"
    focal = samples(project, "focal_rewrite")
    assert focal and all("Tessy" not in f["text"] and "Somebody" not in f["text"] for f in focal)
    assert {f["question"] for f in focal} <= {q["question"] for q in samples(project, "qa")}
    assert all(f["source_text"] for f in focal)


SECTIONED = """# The ferry

The Gannet leaves the north quay at seven in the morning. She carries forty passengers and six bicycles.
The crossing to Holm takes forty minutes in calm weather.

# Fares

An adult ticket costs four marks. Children under twelve travel free with an adult.
"""


def test_a_focal_sentence_the_model_only_retouched_is_kept_as_written(project, tmp_path):
    """A model that keeps every word and changes a small one ("Two, the ideal ..." -> "Two is the ideal ...") gives
    no rewrite: where code cannot rewrite the sentence either, the focal document leads with the sentence as
    written, marked "copy", and the job says so."""
    doc = tmp_path / "ferry.md"
    doc.write_text(SECTIONED)
    ingest_paths(project, [doc])
    gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=1, max_retries=0),
                 backend=ScriptedBackend(lambda request, call: "I cannot write questions."))

    def retouch(request, call):  # every word kept, in order; only "the" added or dropped
        passage = passage_of(request)
        return passage[4:] if passage.startswith("The ") else "The " + passage[:1].lower() + passage[1:]

    job = gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], focal_questions_per_source=1, max_retries=1),
                       backend=ScriptedBackend(retouch))
    focal = samples(project, "focal_rewrite")
    assert focal and job["status"] == "done"
    copies = [json.loads(s["generator"]) for s in focal if json.loads(s["generator"]).get("rewrite_source") == "copy"]
    assert copies, [json.loads(s["generator"]).get("rewrite_source") for s in focal]
    for meta in copies:
        assert meta["sentence_rewrite"] in SECTIONED  # the sentence exactly as the document has it
    assert get_job(project, job["id"])["progress"]["copied_sentences"] == len(copies)
    with project.connect() as conn:
        errors = [r[0] for r in conn.execute("SELECT error FROM generation_log WHERE error IS NOT NULL")]
    assert any("kept as written" in e for e in errors)


def test_focal_rewrites_become_documents_of_their_section_in_source_order(project, tmp_path):
    doc = tmp_path / "ferry.md"
    doc.write_text(SECTIONED)
    ingest_paths(project, [doc])
    gen.generate(project, GenerateConfig(kinds=["qa"], qa_per_window=1, max_retries=0),
                 backend=ScriptedBackend(lambda request, call: "I cannot write questions."))  # template questions

    def rotate(request, call):  # keeps every word of the sentence, moves the first two to the end
        words = passage_of(request).rstrip(".").split(" ")  # (moving "The" alone changes only a small word: refused)
        return " ".join(words[2:] + words[:2]) + "."

    job = gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], focal_questions_per_source=2, max_retries=0),
                       backend=ScriptedBackend(rotate))
    assert job["status"] == "done"
    focal = samples(project, "focal_rewrite")
    assert focal
    text = SECTIONED
    for sample in focal:
        meta = json.loads(sample["generator"])
        parts = meta["parts"]
        rest = [p for p in parts if p["origin"] != "focal"]
        assert [p["start"] for p in rest] == sorted(p["start"] for p in rest)  # source order after the focus
        assert sum(p["origin"] == "focal" for p in parts) == 1
        if not ("Gannet leaves" in sample["source_text"] and parts[0]["origin"] != "focal"):
            assert parts[0]["origin"] == "focal"  # the question's sentence leads, unless "She" follows it
        assert meta["sentence_rewrite"] in sample["text"]
        assert "# " not in sample["text"] and "Fares" not in sample["source_text"].split(".")[0]
        first, last = min(p["start"] for p in parts), max(p["end"] for p in parts)
        assert (sample["source_start"], sample["source_end"]) == (first, last)
        section = text[first:last]
        assert "# Fares" not in section  # a heading ends the section
        if "Gannet" in section:
            assert "Holm" in section and "marks" not in section and len(parts) == 3
    # Other sentences of a section come from the checked rewrites the project already has, picked by seed.
    assert any(p["origin"].startswith("rewrite #") for s in focal for p in json.loads(s["generator"])["parts"])
    assert len({s["text"] for s in focal}) == len(focal)  # no two focal documents alike
    again = gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], focal_questions_per_source=2,
                                                 max_retries=0), backend=ScriptedBackend(rotate))
    assert again["status"] == "done" and samples(project, "focal_rewrite") == focal  # stitched once, kept


def test_a_rewrite_the_model_cannot_make_is_a_moved_time_phrase_or_a_recorded_failure(project, tmp_path):
    doc = tmp_path / "fleet.md"
    doc.write_text("In 2019 the fleet switched to electric ferries.\n\nThe Gannet carries forty passengers.\n")
    ingest_paths(project, [doc])
    job = gen.generate(project, GenerateConfig(kinds=["rewrite"], max_retries=0),
                       backend=ScriptedBackend(lambda request, call: "The fleet switched to glass ferries in 2019."))
    assert job["status"] == "done"
    [made] = samples(project, "rewrite")
    assert made["text"] == "The fleet switched to electric ferries in 2019."
    assert json.loads(made["generator"])["rewrite_source"] == "template"
    with project.connect() as conn:
        errors = [r["error"] for r in conn.execute("SELECT error FROM generation_log ORDER BY id")]
    assert "1 rewrite(s) made by code instead (clause split or phrase moved)" in errors[0]
    assert errors[1].startswith("asked 1, the model gave 0") and "swaps" in errors[1]  # no time phrase: a failure
    off = gen.generate(project, GenerateConfig(kinds=["rewrite"], max_retries=0, seed=1, fallback_rewrites=False),
                       backend=ScriptedBackend(lambda request, call: "The fleet switched to glass ferries in 2019."))
    assert off["status"] == "done" and len(samples(project, "rewrite")) == 1


def test_a_closing_who_or_which_clause_is_split_off_when_the_model_fails(project, tmp_path):
    doc = tmp_path / "mill.md"
    doc.write_text("The mill was built in 1791 by Jonas Treddick, who was a corn merchant.\n\n"
                   "In 1998 the trust bought the old granary, which was built in 1790.\n\n"
                   "Visitors may watch a film of the upper floors in the cottage parlour, which lasts twelve minutes.\n")
    ingest_paths(project, [doc])
    job = gen.generate(project, GenerateConfig(kinds=["rewrite"], max_retries=0),
                       backend=ScriptedBackend(lambda request, call: "The mill was made of glass."))
    assert job["status"] == "done"
    made = {r["text"] for r in samples(project, "rewrite")}
    assert made == {"The mill was built in 1791 by Jonas Treddick. Jonas Treddick was a corn merchant.",
                    "In 1998 the trust bought the old granary. It was built in 1790."}  # the film's clause: no guess
    assert all(json.loads(r["generator"])["rewrite_source"] == "template" for r in samples(project, "rewrite"))


def test_each_round_asks_for_the_next_answers_of_a_sentence(project, tmp_path):
    """With a weak model every QA is built from the sentence: if every round asked for the same answers, a second
    round would add only near-duplicates (the end-to-end run rejected 31 of round 1's 33 as such)."""
    doc = tmp_path / "mill.md"
    doc.write_text("In 1791 Jonas Treddick built the mill on the Velling Estuary for four hundred pounds.\n")
    ingest_paths(project, [doc])
    answers = []
    for seed in (0, 1):
        job = gen.generate(project, GenerateConfig(kinds=["qa"], max_retries=0, seed=seed),
                           backend=ScriptedBackend(lambda request, call: "What?"))
        answers.append({json.loads(r["generator"])["answer_span"] for r in samples(project, "qa")
                        if json.loads(r["generator"])["job_id"] == job["id"]})
    assert len(answers[0]) == 2 and len(answers[1]) == 2 and not answers[0] & answers[1], answers


def test_uncovered_spans_restrict_the_plan(facts):
    project, _row = facts
    config = GenerateConfig(kinds=["qa"])
    everything = plan_units(project, config, "qa")
    first = everything[0]
    only = GenerateConfig(kinds=["qa"], only_spans={str(first.document_id): [[first.focus_start, first.focus_end]]})
    assert [u.key for u in plan_units(project, only, "qa")] == [first.key]


# ---- whole chunks (strong generators) --------------------------------------------------------------------------

def test_chunk_qas_then_focal_rewrites_conditioned_on_the_generated_questions(corpus):
    project, doc = corpus
    backend = ScriptedBackend(good_answer)
    job = gen.generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"], strategy="chunk", document_ids=[doc],
                                               max_chunks=2, qa_per_chunk=1), backend=backend)
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


def test_asking_for_three_and_getting_one_retries_for_the_rest_and_records_the_shortfall(corpus):
    project, doc = corpus
    backend = ScriptedBackend(good_answer)  # one QA per answer, whatever was asked
    job = gen.generate(project, GenerateConfig(kinds=["qa"], strategy="chunk", document_ids=[doc], max_chunks=1,
                                               qa_per_chunk=3, max_retries=1), backend=backend)
    result = job["progress"]["result"]
    assert (result["requested"], result["made"]) == (3, 2)  # two tries, one QA each: 2 of 3, not "done, 0 failed"
    assert backend.requests[0].json_schema["properties"]["qas"]["minItems"] == 3
    assert backend.requests[1].json_schema["properties"]["qas"]["minItems"] == 2  # the retry asks for what is missing
    [short] = gen.failures(project)
    assert (short["status"], short["n_samples"], short["n_requested"]) == ("partial", 2, 3)


def test_malformed_output_is_retried_then_kept_as_a_failure_with_raw_text(corpus):
    project, doc = corpus
    backend = ScriptedBackend(lambda request, call: "I am sorry, I cannot do JSON." if call <= 3 else good_answer(request, call))
    job = gen.generate(project, GenerateConfig(kinds=["qa"], strategy="chunk", qa_per_chunk=1, document_ids=[doc],
                                               max_chunks=2, max_retries=2), backend=backend)
    assert job["status"] == "done"
    [failure] = gen.failures(project)
    assert failure["attempts"] == 3 and "cannot do JSON" in failure["raw"]
    assert "no question/answer pairs could be parsed (3x)" in failure["error"]
    assert len(samples(project)) == 1  # the second chunk parsed on its first try


def test_degenerate_items_are_rejected(corpus):
    project, doc = corpus
    example = "Why did the station replace the pump named Ada in 2019?"
    copy_of_example = json.dumps({"qas": [{"question": example, "answer": "Because its bearing failed."},
                                          {"question": "ok", "answer": "x"}]})
    backend = ScriptedBackend(lambda request, call: copy_of_example if request.json_schema else "too short")
    gen.generate(project, GenerateConfig(kinds=["qa", "rewrite"], strategy="chunk", document_ids=[doc], max_chunks=1,
                                         max_retries=0), backend=backend)
    assert samples(project) == []
    reasons = " ".join(f["error"] for f in gen.failures(project))
    assert "copied the prompt's example" in reasons and "rewrite too short" in reasons


def test_token_budget_stops_the_job(corpus):
    project, doc = corpus
    config = GenerateConfig(kinds=["rewrite"], strategy="chunk", document_ids=[doc], token_budget=30)
    job = gen.generate(project, config, backend=ScriptedBackend(good_answer))
    assert job["progress"]["result"]["stop_reason"] == "token budget reached"
    assert 1 <= len(samples(project)) < len(plan_units(project, config, "rewrite"))


def test_unreachable_backend_fails_the_job_with_its_message_and_resume_finishes(corpus):
    project, doc = corpus
    config = GenerateConfig(kinds=["qa"], strategy="chunk", qa_per_chunk=1, document_ids=[doc], max_chunks=2)
    down = ScriptedBackend(lambda request, call: BackendError("Cannot reach the endpoint http://x/v1"))
    job = gen.generate(project, config, backend=down)
    assert job["status"] == "failed" and "Cannot reach the endpoint" in job["error"]
    assert samples(project) == [] and gen.failures(project) == []  # nothing recorded as finished

    gen.resume_generation(project, job["id"], background=False, backend=ScriptedBackend(good_answer))
    assert get_job(project, job["id"])["status"] == "done" and len(samples(project)) == 2


def test_resume_skips_finished_units_and_stores_nothing_twice(corpus):
    project, doc = corpus
    config = GenerateConfig(kinds=["qa"], strategy="chunk", qa_per_chunk=1, document_ids=[doc], max_chunks=3)
    first = ScriptedBackend(lambda request, call: good_answer(request, call) if call <= 2 else BackendError("gone"))
    job = gen.generate(project, config, backend=first)
    assert job["status"] == "failed" and len(samples(project)) == 2
    second = ScriptedBackend(good_answer)
    gen.resume_generation(project, job["id"], background=False, backend=second)
    assert len(second.requests) == 1 and len(first.requests) >= 3
    rows = samples(project)
    assert len(rows) == 3 and len({r["job_key"] for r in rows}) == 3


def test_a_new_seed_is_a_new_round_over_the_same_chunks(corpus):
    project, doc = corpus
    backend = ScriptedBackend(good_answer)
    for seed in (0, 0, 1):
        gen.generate(project, GenerateConfig(kinds=["qa"], strategy="chunk", qa_per_chunk=1, document_ids=[doc],
                                             max_chunks=1, seed=seed), backend=backend)
    assert len(samples(project)) == 2


def test_user_questions_focus_rewrites_on_the_best_matching_chunk(corpus):
    project, doc = corpus
    backend = ScriptedBackend(good_answer)
    question = "What does the author say about adoption by biological parents and blood ties?"
    gen.generate(project, GenerateConfig(kinds=["focal_rewrite"], strategy="chunk", document_ids=[doc],
                                         user_questions=[question]), backend=backend)
    [row] = samples(project)
    assert row["question"] == question
    assert "blood ties" in backend.requests[0].messages[1]["content"]


def test_config_round_trips_and_rejects_unknown_settings():
    config = GenerateConfig(kinds=["qa"], qa_per_chunk=5)
    assert GenerateConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="Unknown sample kinds"):
        GenerateConfig.from_dict({"kinds": ["poems"]})
    old = GenerateConfig.from_dict({"kinds": ["qa"], "focal_questions_per_chunk": 4})  # a job saved before windows
    assert (old.strategy, old.focal_questions_per_source) == ("chunk", 4)


def test_a_focal_section_starts_at_its_paragraph_and_stops_at_a_heading():
    from smt_gui.generate.passages import section

    text = ("# Crew\n\nCaptain Aled Rourke skippers the Gannet on weekdays. She carries forty passengers on each "
            "crossing. She was built at Cally's Yard in 2004. She was refitted in the winter of 2019.\n\n"
            "The Tern is the spare boat of the fleet.\n\nThe Tern carries twelve passengers on each crossing.\n\n"
            "# Fares\n\nAn adult ticket costs four marks each way.\n")
    focus = "She was refitted in the winter of 2019."
    at = text.index(focus)
    run = [s.text for s in section(text, at, at + len(focus))]
    assert run[0].startswith("Captain Aled Rourke") and run[-1] == focus  # who "she" is comes first
    tern = text.index("The Tern is")
    run = [s.text for s in section(text, tern, tern + 10)]
    assert run == ["The Tern is the spare boat of the fleet.", "The Tern carries twelve passengers on each crossing."]


def test_a_label_line_gets_a_question_about_its_label_and_no_focal_rewrite(project, tmp_path):
    """"Capacity: 1.6 litres" states a fact without a verb: the sentence builder has nothing to move, so these lines
    were never asked about (13 of the manual's 50 key facts). Each gets one question that quotes the document and
    the label, answered with the value, without asking the model; no focal rewrite is planned around it."""
    doc = tmp_path / "manual.md"
    doc.write_text("# Stillbrook SB-7\n\n## Specifications\n\n- Capacity: 1.6 litres (about six large mugs)\n"
                   "- Weight: 2.9 kg when empty\n- Model: SB-7\n\n## Cleaning\n\nThe lid is not dishwasher safe.\n",
                   encoding="utf-8")
    ingest_paths(project, [doc])
    backend = ScriptedBackend(lambda request, call: "What is it?")
    for seed in (0, 1):  # a second round makes no copy of a label's question
        job = gen.generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"], seed=seed), backend=backend)
        assert job["status"] == "done"
    qas = [s for s in samples(project, "qa") if s["source_text"].startswith(("Capacity", "Weight", "Model"))]
    assert len(qas) == 2
    title = qas[0]["question"].split("“")[1].split("”")[0]
    assert {(s["question"], json.loads(s["generator"])["answer_span"]) for s in qas} == {
        (f"What does “{title}” give for “Capacity” under “Specifications”?", "1.6 litres"),
        (f"What does “{title}” give for “Weight” under “Specifications”?", "2.9 kg when empty"),
    }  # "Model: SB-7" is not asked: the title gives it away
    assert all(s["answer"].startswith(json.loads(s["generator"])["answer_span"] + ". ") for s in qas)
    asked = [r.messages[-1]["content"] for r in backend.requests]
    assert not any("1.6 litres" in text or "2.9 kg" in text for text in asked)  # no model call, no focal rewrite


def test_a_table_cell_is_asked_about_by_its_row_and_column(project, tmp_path):
    """A quarterly report's table held 11 of its 45 key facts and none was asked about: each cell now is, and its
    answer reads the row out rather than quoting pipes."""
    doc = tmp_path / "report.md"
    doc.write_text("# Q3 report\n\n## Sales\n\n| Product line | Units sold | Revenue |\n|---|---|---|\n"
                   "| Touring bikes | 2,140 | £2.35m |\n| Parts and servicing | - | £0.42m |\n", encoding="utf-8")
    ingest_paths(project, [doc])
    job = gen.generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"]),
                       backend=ScriptedBackend(lambda request, call: "What is it?"))
    assert job["status"] == "done"
    got = {(s["question"].split("give for ", 1)[1], json.loads(s["generator"])["answer_span"], s["answer"])
           for s in samples(project, "qa")}
    assert got == {
        ("“Touring bikes” under “Units sold”?", "2,140", "2,140. Touring bikes: Units sold 2,140; Revenue £2.35m."),
        ("“Touring bikes” under “Revenue”?", "£2.35m", "£2.35m. Touring bikes: Units sold 2,140; Revenue £2.35m."),
        ("“Parts and servicing” under “Revenue”?", "£0.42m", "£0.42m. Parts and servicing: Revenue £0.42m."),
    }  # the empty cell ("-") is not asked about
    assert samples(project, "focal_rewrite") == []
