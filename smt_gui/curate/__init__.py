"""Curation: find, inspect, edit, accept/reject, check and export synthetic samples (no gradio here)."""

from smt_gui.curate.checks import CHECKS, GROUNDING_THRESHOLD, apply_rule, auto_curate, reject_hallucinated, run_checks
from smt_gui.curate.export import FORMATS, export_samples, import_jsonl
from smt_gui.curate.store import (
    SORTS,
    SPLITS,
    STATUSES,
    SampleFilter,
    edit_sample,
    get_sample,
    hold_out,
    matching_ids,
    query_samples,
    set_split,
    set_status,
    status_counts,
    undo_last,
)

__all__ = [
    "CHECKS",
    "FORMATS",
    "GROUNDING_THRESHOLD",
    "SORTS",
    "SPLITS",
    "STATUSES",
    "SampleFilter",
    "apply_rule",
    "auto_curate",
    "edit_sample",
    "export_samples",
    "get_sample",
    "hold_out",
    "import_jsonl",
    "matching_ids",
    "query_samples",
    "reject_hallucinated",
    "run_checks",
    "set_split",
    "set_status",
    "status_counts",
    "undo_last",
]
