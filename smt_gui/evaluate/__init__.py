"""Evaluation: multiple-choice log-likelihood scoring, free-form grading, statistics, arms comparison."""

from smt_gui.evaluate.arms import evaluate_arms
from smt_gui.evaluate.freeform import grade_freeform, parse_numbers
from smt_gui.evaluate.multiple_choice import score_options_loglik
from smt_gui.evaluate.stats import mcnemar_exact, paired_bootstrap, wilson_interval

__all__ = ["evaluate_arms", "grade_freeform", "mcnemar_exact", "paired_bootstrap", "parse_numbers",
           "score_options_loglik", "wilson_interval"]
