"""Plotly figures shared by the tabs (people would rather look than read)."""

from __future__ import annotations

import plotly.graph_objects as go

from smt_gui.documents import DocumentRow


def _empty(title: str, note: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, height=320, margin={"l": 40, "r": 20, "t": 50, "b": 40},
                      annotations=[{"text": note, "showarrow": False, "font": {"size": 14}}],
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def corpus_token_histogram(rows: list[DocumentRow]) -> go.Figure:
    """Distribution of document lengths in tokens: shows at a glance whether the corpus is a few long texts."""
    if not rows:
        return _empty("Document length (tokens)", "No documents yet")
    tokens = [r.n_tokens for r in rows]
    fig = go.Figure(go.Histogram(x=tokens, nbinsx=min(30, max(5, len(rows))), marker_color="#4f7cff",
                                 hovertemplate="%{x} tokens: %{y} document(s)<extra></extra>"))
    total = sum(tokens)
    fig.update_layout(
        title=f"{len(rows)} docs · {total:,} tokens · {sum(r.n_chunks for r in rows):,} chunks",
        xaxis_title="tokens per document", yaxis_title="documents", height=320, bargap=0.05,
        margin={"l": 40, "r": 20, "t": 50, "b": 40},
    )
    return fig
