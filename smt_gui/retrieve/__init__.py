"""Retrieval for the RAG baseline: a persistent Chroma index of the project's chunks."""

from smt_gui.retrieve.index import RETRIEVAL_K, Hit, RagIndex

__all__ = ["RETRIEVAL_K", "Hit", "RagIndex"]
