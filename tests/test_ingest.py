"""Ingestion of every supported format from real files, and every kind of bad input the issue lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smt_gui import documents as store
from smt_gui.ingest import ingest_paths

from .conftest import FINANCEBENCH_DOCS, QUALITY_SMALL
from .fixtures_docs import DOCX_SENTENCES, PDF_SENTENCES, make_docx, make_pdf

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"


def ingest_one(project, path: Path, name: str | None = None):
    [report] = ingest_paths(project, [path], [name] if name else None)
    return report


def only_document(project):
    [row] = store.list_documents(project)
    return row, store.get_document_text(project, row.id)[1]


def test_text_file_is_stored_with_words_tokens_and_chunks(project):
    report = ingest_one(project, GOOD / "notes.txt")
    assert report.ok and report.added == ["notes"]
    row, text = only_document(project)
    assert "Ada was replaced in March 2019" in text
    assert row.n_words == len(text.split()) and row.n_tokens > row.n_words / 2 and row.n_chunks == 1
    assert row.source_kind == "txt"


def test_markdown_title_comes_from_its_heading(project):
    ingest_one(project, GOOD / "handbook.md")
    row, text = only_document(project)
    assert row.title == "Field Handbook of the Orchard Cooperative"
    assert "four seasonal pickers" in text


def test_html_keeps_readable_text_and_drops_tags_scripts_and_chrome(project):
    ingest_one(project, GOOD / "page.html")
    row, text = only_document(project)
    assert row.title == "Tidal Power at Rance"
    assert "peak output of 240 MW" in text and "24 bulb turbines" in text
    assert "<" not in text and "tracking" not in text and "color:red" not in text and "Contact" not in text


def test_pdf_text_is_extracted_from_every_page(project, tmp_path):
    report = ingest_one(project, make_pdf(tmp_path / "bridge.pdf"))
    assert report.ok, report.error
    row, text = only_document(project)
    assert row.title == "Vellmar Bridge History" and row.source_kind == "pdf"
    assert PDF_SENTENCES[0].split()[1] in text and "(page 2)" in text


def test_docx_paragraphs_and_tables_are_extracted(project, tmp_path):
    ingest_one(project, make_docx(tmp_path / "bakery.docx"))
    row, text = only_document(project)
    assert row.title == "Linden Bakery Report"
    assert DOCX_SENTENCES[1] in text and "Rye | 1,240" in text


def test_quality_jsonl_imports_articles_and_their_questions_as_eval_set(project):
    path = QUALITY_SMALL
    report = ingest_one(project, path)
    assert report.ok and len(report.added) == 5 and report.questions == 58
    rows = store.list_documents(project)
    assert {r.source_kind for r in rows} == {"jsonl:quality"}
    lost = next(r for r in rows if r.title == "LOST IN TRANSLATION")
    questions = store.list_eval_questions(project, lost.id)
    first = json.loads(path.read_text().splitlines()[1])["questions"][0]
    assert questions[0]["question"] == first["question"]
    assert questions[0]["options"] == first["options"] and questions[0]["answer_index"] == first["answer_index"]
    assert all(r.n_chunks > 1 for r in rows)


def test_financebench_by_document_imports_free_form_questions(project):
    report = ingest_one(project, FINANCEBENCH_DOCS)
    assert report.ok and len(report.added) == 8 and report.questions == 12
    three_m = next(r for r in store.list_documents(project) if r.title == "3M_2018_10K")
    questions = store.list_eval_questions(project, three_m.id)
    assert questions and questions[0]["options"] is None and questions[0]["answer"]
    assert questions[0]["external_id"].startswith("financebench_id_")


def test_generic_jsonl_takes_multiple_choice_and_free_form(project, tmp_path):
    corpus = tmp_path / "patients.jsonl"
    corpus.write_text(
        json.dumps({"id": "p1", "title": "Patient 1", "text": "Patient 1 was admitted on 3 May with pneumonia.",
                    "questions": [{"question": "Why was patient 1 admitted?",
                                   "options": ["Fracture", "Pneumonia", "Burns"], "answer_index": 1},
                                  {"question": "When was patient 1 admitted?", "answer": "3 May"},
                                  {"question": "Which ward?", "options": ["A", "B"], "answer": "B"}]}) + "\n"
    )
    report = ingest_one(project, corpus)
    assert report.ok and report.questions == 3
    questions = store.list_eval_questions(project)
    assert questions[0]["answer"] == "Pneumonia" and questions[1]["options"] is None
    assert questions[2]["answer_index"] == 1


def test_same_content_is_not_added_twice_even_reformatted(project, tmp_path):
    ingest_one(project, GOOD / "notes.txt")
    copy = tmp_path / "copy.txt"
    copy.write_text("  " + (GOOD / "notes.txt").read_text().replace("\n", "\r\n") + "\n\n\n")
    report = ingest_one(project, copy)
    assert report.ok and report.added == [] and report.duplicates == ["notes"]
    assert project.counts()["documents"] == 1


# ---- bad input: a clear message per file, the good files still load, nothing stored changes ----------------

BAD_CASES = [
    ("empty.txt", "is empty"),
    ("whitespace_only.md", "is empty"),
    ("binary.txt", "binary"),
    ("truncated.pdf", "could not be read as a PDF"),
    ("not_really.pdf", "not a PDF"),
    ("all_malformed.jsonl", "no usable documents"),
    ("program.exe", "unsupported file type"),
]


@pytest.mark.parametrize(("name", "message"), BAD_CASES)
def test_bad_file_gets_a_clear_message_and_changes_nothing(project, name, message):
    ingest_one(project, GOOD / "notes.txt")
    before = project.counts()
    report = ingest_one(project, BAD / name)
    assert not report.ok
    assert message in report.error and name in report.error
    assert project.counts() == before


def test_good_files_in_the_same_upload_still_load(project, tmp_path):
    paths = [BAD / "empty.txt", GOOD / "notes.txt", BAD / "truncated.pdf", make_docx(tmp_path / "b.docx")]
    reports = ingest_paths(project, paths)
    assert [r.ok for r in reports] == [False, True, False, True]
    assert project.counts()["documents"] == 2


def test_non_utf8_text_is_read_with_a_warning_naming_the_encoding(project):
    report = ingest_one(project, BAD / "latin1.txt")
    assert report.ok and "not UTF-8" in report.warnings[0]
    _, text = only_document(project)
    assert "Crème brûlée" in text and "À côté de l'église" in text


def test_huge_file_is_refused_before_reading(project, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.write(b"word " * (51 * 1024 * 1024 // 5 + 10))  # a real 51 MB text file
    report = ingest_one(project, huge)
    assert not report.ok and "over the 50 MB limit" in report.error
    assert project.counts()["documents"] == 0


def test_malformed_jsonl_lines_are_reported_and_the_rest_loads(project):
    report = ingest_one(project, BAD / "malformed.jsonl")
    assert report.ok and report.added == ["Good one"] and report.questions == 1
    joined = " ".join(report.warnings)
    assert "line 2 skipped: invalid JSON" in joined and "line 3 skipped: has no document 'text'" in joined


def test_uploaded_file_names_are_never_trusted(project, tmp_path):
    report = ingest_one(project, GOOD / "notes.txt", name="../../etc/passwd")
    assert report.ok and report.name == "passwd"
    [row] = store.list_documents(project)
    assert row.source_name == "passwd"
    assert not any(p.name == "passwd" for p in project.root.rglob("*"))


def test_missing_file_is_reported(project, tmp_path):
    report = ingest_one(project, tmp_path / "nope.txt")
    assert not report.ok and "no such file" in report.error


def test_delete_removes_a_document_with_its_chunks_and_questions(project):
    ingest_one(project, QUALITY_SMALL)
    first = store.list_documents(project)[0]
    before = project.counts()
    assert store.delete_documents(project, [first.id]) == 1
    after = project.counts()
    assert after["documents"] == before["documents"] - 1
    assert after["chunks"] == before["chunks"] - first.n_chunks
    assert after["eval_questions"] == before["eval_questions"] - first.n_questions


def test_size_limit_is_configurable(project, monkeypatch, tmp_path):
    monkeypatch.setenv("SMT_MAX_FILE_MB", str(100 / 1024 / 1024))  # 100 bytes
    report = ingest_one(project, GOOD / "handbook.md")  # 395 bytes
    assert not report.ok and "SMT_MAX_FILE_MB" in report.error
    small = tmp_path / "small.txt"
    small.write_text("A short note about the pump room, well under the limit.")
    assert ingest_one(project, small).ok  # the limit is the configured one, not a fixed size
