"""Token-window chunking with overlap; each chunk is an exact character span of its document."""

from __future__ import annotations

from dataclasses import dataclass

from smt_gui.documents import Chunk  # the store owns the record; chunking produces it

DEFAULT_CHUNK_TOKENS = 512
DEFAULT_CHUNK_OVERLAP = 64


@dataclass(frozen=True)
class ChunkingConfig:
    size: int = DEFAULT_CHUNK_TOKENS
    overlap: int = DEFAULT_CHUNK_OVERLAP
    tokenizer: str | None = None  # model spec; None = the bundled generator's tokenizer

    def validate(self) -> ChunkingConfig:
        if self.size < 16:
            raise ValueError(f"Chunk size must be at least 16 tokens (got {self.size}).")
        if not 0 <= self.overlap < self.size:
            raise ValueError(f"Overlap must be between 0 and the chunk size - 1 (got {self.overlap}).")
        return self


def token_offsets(text: str, tokenizer) -> list[tuple[int, int]]:
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    return [tuple(span) for span in encoded["offset_mapping"]]


def chunk_text(text: str, tokenizer, config: ChunkingConfig) -> list[Chunk]:
    """Split ``text`` into windows of ``config.size`` tokens that overlap by ``config.overlap`` tokens."""
    config.validate()
    offsets = token_offsets(text, tokenizer)
    if not offsets:
        return []
    stride = config.size - config.overlap
    chunks: list[Chunk] = []
    start = 0
    while True:
        end = min(start + config.size, len(offsets))
        start_char, end_char = offsets[start][0], offsets[end - 1][1]
        chunks.append(Chunk(len(chunks), text[start_char:end_char], start_char, end_char, end - start))
        if end == len(offsets):
            return chunks
        start += stride
