"""The RAG index with real Chroma and the bundled MiniLM embeddings, on the QuALITY dev_small articles."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smt_gui.ingest import ingest_paths
from smt_gui.retrieve import RagIndex

from .conftest import QUALITY_SMALL, REPO

GOOD = REPO / "tests" / "data" / "good"


@pytest.fixture
def indexed(project):
    ingest_paths(project, [QUALITY_SMALL])
    index = RagIndex(project)
    counts = index.sync()
    return project, index, counts


def test_a_question_retrieves_the_passage_that_answers_it(indexed):
    project, index, counts = indexed
    assert counts["added"] == project.counts()["chunks"] and counts["removed"] == 0
    hits = index.query("On which moon did the crew of the Leo pick up their new cook?", k=3)
    assert any(h.title == "CAPTAIN CHAOS" and "new cook on Phobos" in h.text for h in hits), [h.title for h in hits]
    assert hits[0].score >= hits[-1].score


def test_reindexing_adds_only_new_chunks_and_drops_deleted_ones(indexed, monkeypatch):
    from smt_gui import documents

    project, index, counts = indexed
    embedded: list[int] = []
    original = index._embed
    monkeypatch.setattr(index, "_embed", lambda texts: embedded.append(len(texts)) or original(texts))
    assert index.sync()["added"] == 0 and embedded == []
    ingest_paths(project, [GOOD / "notes.txt"])
    result = index.sync()
    assert result["added"] == 1 and sum(embedded) == 1
    notes = next(d for d in documents.list_documents(project) if d.source_name == "notes.txt")
    documents.delete_documents(project, [notes.id])
    assert index.sync()["removed"] == 1 and index.count() == counts["total"]


def test_the_index_survives_a_restart(indexed):
    project, index, _ = indexed
    code = (f"from smt_gui.project import Project; from smt_gui.retrieve import RagIndex; "
            f"i = RagIndex(Project.open({str(project.root)!r})); "
            f"print(i.count(), i.query('Who is the new cook on the ship?', k=1)[0].title)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    count, title = out.stdout.strip().split(" ", 1)
    assert int(count) == index.count() and title


def test_mmr_picks_diverse_passages(indexed):
    _, index, _ = indexed
    plain = index.query("love of kin and biology", k=4)
    diverse = index.query("love of kin and biology", k=4, mmr=True, fetch_k=20)
    assert len(plain) == len(diverse) == 4

    def redundancy(hits) -> float:  # mean cosine similarity between the passages returned together
        import itertools

        from smt_gui.embeddings import embed

        vectors = embed([h.text for h in hits])
        pairs = list(itertools.combinations(range(len(hits)), 2))
        return sum(float(vectors[i] @ vectors[j]) for i, j in pairs) / len(pairs)

    assert redundancy(diverse) < redundancy(plain)  # MMR's passages overlap less with each other
    assert diverse[0].chunk_id == plain[0].chunk_id  # and it still starts from the best match


def test_chat_ask_and_evaluate_index_by_one_rule(project):
    """A RAG arm retrieves from what the project holds now, in Chat, ``smt ask`` and Evaluate alike (Chat used to
    index only an empty index, the CLI and Evaluate every time): new chunks are added first, nothing to add costs
    nothing, closed-book arms touch no index, and no documents is a clear refusal."""
    from smt_gui.chat import ChatEngine

    engine = ChatEngine(project)
    assert engine.ready_for(["base", "tuned"]) is None
    with pytest.raises(ValueError, match="no documents to retrieve from"):
        engine.ready_for(["rag"])
    ingest_paths(project, [QUALITY_SMALL])
    first = engine.ready_for(["base", "rag"])
    assert first["added"] == first["total"] == project.counts()["chunks"] > 0
    assert engine.ready_for(["tuned+rag"])["added"] == 0


def test_closed_book_arms_carry_the_conversation_and_rag_arms_do_not():
    from smt_gui.chat import build_messages, carried_history

    so_far = [{"role": "user", "content": "Who keeps the ledger?"}, {"role": "assistant", "content": "Mirela."},
              {"role": "note", "content": "indexed 3 chunks first"}]
    assert carried_history("tuned", so_far) == so_far[:2]
    assert carried_history("base", so_far) == so_far[:2]
    assert carried_history("rag", so_far) is None and carried_history("tuned+rag", so_far) is None
    sent = build_messages("tuned", "Where?", [], carried_history("tuned", so_far))
    assert [m["content"] for m in sent] == ["Who keeps the ledger?", "Mirela.", "Where?"]
