"""Evaluation: multiple-choice log-likelihood scoring, free-form grading, statistics, arms comparison as a job."""

from smt_gui.evaluate.freeform import grade_freeform, parse_numbers
from smt_gui.evaluate.job import EvalConfig, build_report, evaluate, resume_evaluation, save_report, start_evaluation
from smt_gui.evaluate.multiple_choice import score_options_loglik
from smt_gui.evaluate.stats import mcnemar_exact, paired_bootstrap, wilson_interval

__all__ = ["EvalConfig", "build_report", "evaluate", "grade_freeform", "mcnemar_exact", "paired_bootstrap",
           "parse_numbers", "resume_evaluation", "save_report", "score_options_loglik", "start_evaluation",
           "wilson_interval"]
