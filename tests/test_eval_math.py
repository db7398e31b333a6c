"""Evaluation statistics and the free-form matcher, on the real FinanceBench answers."""

from __future__ import annotations

import json

import pytest

from smt_gui.evaluate import grade_freeform, mcnemar_exact, paired_bootstrap, parse_numbers, wilson_interval

from .conftest import FINANCEBENCH_QUESTIONS


def test_wilson_interval_known_values():
    low, high = wilson_interval(5, 20)
    assert low == pytest.approx(0.112, abs=0.002) and high == pytest.approx(0.469, abs=0.002)
    assert wilson_interval(0, 0) == (0.0, 0.0)


def test_mcnemar_counts_only_disagreements():
    a = [True] * 10 + [False] * 10
    b = [True] * 10 + [True] * 8 + [False] * 2
    result = mcnemar_exact(a, b)
    assert (result["only_a"], result["only_b"]) == (0, 8) and result["p_value"] == pytest.approx(2 / 256)
    assert mcnemar_exact(a, a)["p_value"] == 1.0


def test_paired_bootstrap_interval_contains_the_difference():
    a = [True, False] * 20
    b = [True, True] * 20
    result = paired_bootstrap(a, b, rounds=2000)
    assert result["difference"] == 0.5 and result["low"] <= 0.5 <= result["high"] and result["low"] > 0


def test_financebench_numeric_answers_match_with_units():
    rows = [json.loads(line) for line in FINANCEBENCH_QUESTIONS.read_text().splitlines()]
    gold = next(r["answer"] for r in rows if r["answer"].strip() == "$1577.00")
    assert grade_freeform("1577", gold).correct
    assert grade_freeform("The answer is $1,577.00 million", "$1,577.00").correct
    assert not grade_freeform("1600", gold).correct
    numeric = [r["answer"] for r in rows if parse_numbers(r["answer"]) and len(r["answer"].split()) <= 4]
    assert len(numeric) > 20
    assert all(grade_freeform(answer, answer).correct for answer in numeric)


def test_units_percent_and_negatives():
    assert parse_numbers("($1,234)") == [-1234.0]
    assert parse_numbers("3.2 billion") == [3.2e9]
    assert grade_freeform("Operating margin was 12.4%", "12.5%").correct  # within 1%
    assert not grade_freeform("Operating margin was 11%", "12.5%").correct
    assert grade_freeform("It is the Americas segment.", "Americas").correct


def test_llm_judge_grades_text_answers_and_never_overrules_numbers():
    from smt_gui.evaluate.freeform import judge_freeform
    from smt_gui.llm import BackendError

    from .fakes import ScriptedBackend

    agree = ScriptedBackend(lambda request, n: '{"correct": true, "reason": "same drug, different wording"}')
    grade = judge_freeform(agree, "Which drug was stopped?", "They discontinued the metformin.", "metformin was stopped")
    assert grade.correct and "same drug" in grade.reason
    assert agree.requests[0].json_schema is not None and "metformin was stopped" in agree.requests[0].messages[0]["content"]
    assert not judge_freeform(ScriptedBackend(lambda r, n: "I think so"), "q", "a", "b").correct
    outage = judge_freeform(ScriptedBackend(lambda r, n: BackendError("server down")), "q", "a", "b")
    assert not outage.correct and "judge failed: server down" in outage.reason



class FixedAnswers:
    """An engine whose arms answer with fixed text (the judge rule is what is under test, not the model)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def model(self, which: str):
        return None, None

    def ask(self, arm: str, question: str, **kwargs):
        from smt_gui.chat import Answer

        return Answer(arm=arm, text=self.text, done=True)


def test_the_judge_is_asked_only_about_text_answers_and_never_overrules_a_number():
    from smt_gui.evaluate.arms import score_question

    from .fakes import ScriptedBackend

    judge = ScriptedBackend(lambda request, n: '{"correct": true, "reason": "looks right to me"}')
    numeric = {"id": 1, "question": "What was 3M's 2018 capex?", "answer": "$1,577.00", "options": None}
    wrong_number = score_question(FixedAnswers("about $1,600 million"), "base", numeric, [], "3M", judge=judge)
    assert not wrong_number["correct"] and judge.requests == []  # a wrong number stays wrong; the judge is not asked
    text = {"id": 2, "question": "Which drug was stopped?", "answer": "metformin was stopped", "options": None}
    paraphrase = score_question(FixedAnswers("They discontinued the metformin."), "base", text, [], "p1", judge=judge)
    assert paraphrase["correct"] and paraphrase["reason"] == "LLM judge: looks right to me" and len(judge.requests) == 1
    no_judge = score_question(FixedAnswers("They discontinued the metformin."), "base", text, [], "p1")
    assert not no_judge["correct"]  # the string match alone rejects it: the judge made the difference
