"""Token chunking with overlap, using the bundled model's real tokenizer."""

from __future__ import annotations

import itertools

import pytest

from smt_gui.ingest.chunking import ChunkingConfig, chunk_text
from smt_gui.tokenizers import load_tokenizer

from .conftest import QUALITY_SMALL


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(None)


def test_chunks_are_exact_spans_within_the_size_and_overlap(tokenizer):
    import json

    text = json.loads(QUALITY_SMALL.read_text().splitlines()[0])["text"]
    config = ChunkingConfig(size=200, overlap=40)
    chunks = chunk_text(text, tokenizer, config)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.text == text[chunk.start_char : chunk.end_char]
        assert chunk.n_tokens <= 200
    for first, second in itertools.pairwise(chunks):
        assert second.start_char < first.end_char  # neighbours share text
    assert chunks[0].start_char == 0 and chunks[-1].end_char == len(text)
    # every token is in some chunk: total tokens = chunk tokens minus the overlaps
    total = len(tokenizer(text, add_special_tokens=False)["input_ids"])
    assert sum(c.n_tokens for c in chunks) - 40 * (len(chunks) - 1) == total


def test_short_text_is_one_chunk_and_empty_text_none(tokenizer):
    assert len(chunk_text("A short note.", tokenizer, ChunkingConfig())) == 1
    assert chunk_text("", tokenizer, ChunkingConfig()) == []


@pytest.mark.parametrize(("size", "overlap"), [(8, 0), (100, 100), (100, -1)])
def test_bad_chunk_settings_are_refused_with_a_reason(size, overlap):
    with pytest.raises(ValueError, match=r"Chunk size|Overlap"):
        ChunkingConfig(size=size, overlap=overlap).validate()
