"""Retrieval for the RAG baseline: a persistent Chroma index of the project's chunks."""

from smt_gui.retrieve.index import Hit, RagIndex

__all__ = ["Hit", "RagIndex"]
