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


KIND_COLORS = {"qa": "#4f7cff", "focal_rewrite": "#ff8a3d", "rewrite": "#2ecc71", "document": "#8e44ad",
               "replay": "#95a5a6"}


def synthetic_tokens_chart(stats: list[dict]) -> go.Figure:
    """Synthetic tokens per document, stacked by kind: where the training signal comes from."""
    if not stats:
        return _empty("Synthetic tokens", "No samples yet")
    fig = go.Figure()
    for kind in sorted({s["kind"] for s in stats}):
        rows = [s for s in stats if s["kind"] == kind]
        fig.add_bar(name=kind, x=[(s["title"] or "?")[:30] for s in rows], y=[s["tokens"] or 0 for s in rows],
                    marker_color=KIND_COLORS.get(kind), customdata=[s["n"] for s in rows],
                    hovertemplate="%{x}<br>%{y} tokens in %{customdata} samples<extra>" + kind + "</extra>")
    total = sum(s["tokens"] or 0 for s in stats)
    fig.update_layout(barmode="stack", title=f"Synthetic tokens: {total:,} in {sum(s['n'] for s in stats)} samples",
                      height=340, margin={"l": 40, "r": 20, "t": 50, "b": 80}, legend={"orientation": "h", "y": 1.12})
    return fig
