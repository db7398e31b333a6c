"""Plotly figures shared by the tabs (people would rather look than read)."""

from __future__ import annotations

import plotly.graph_objects as go

from smt_gui.documents import DocumentRow


def _wrap(text: str, width: int = 40) -> str:
    """Break a placeholder note into lines (plotly annotations do not wrap, and a long one is clipped)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _empty(title: str, note: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, height=320, margin={"l": 40, "r": 20, "t": 50, "b": 40},
                      annotations=[{"text": _wrap(note), "showarrow": False, "font": {"size": 14},
                                    "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}],
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def corpus_token_histogram(rows: list[DocumentRow]) -> go.Figure:
    """Distribution of document lengths in tokens: shows at a glance whether the corpus is a few long texts."""
    if not rows:
        return _empty("Document length (tokens)", "No documents yet")
    tokens = [r.n_tokens for r in rows]
    total = sum(tokens)
    title = f"{len(rows)} docs · {total:,} tokens · {sum(r.n_chunks for r in rows):,} chunks"
    if len(rows) <= 12:  # a histogram of one or a few values has a meaningless axis: show each document instead
        fig = go.Figure(go.Bar(x=[r.title[:24] for r in rows], y=tokens, marker_color="#4f7cff",
                               text=[f"{t:,}" for t in tokens], textposition="auto",
                               hovertemplate="%{x}: %{y:,} tokens<extra></extra>"))
        fig.update_layout(title=title, yaxis_title="tokens", height=320, margin={"l": 50, "r": 20, "t": 50, "b": 60},
                          yaxis={"rangemode": "tozero", "tickformat": ","})
        return fig
    fig = go.Figure(go.Histogram(x=tokens, nbinsx=min(30, max(5, len(rows))), marker_color="#4f7cff",
                                 hovertemplate="%{x} tokens: %{y} document(s)<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="tokens per document", yaxis_title="documents", height=320, bargap=0.05,
                      margin={"l": 40, "r": 20, "t": 50, "b": 40}, xaxis={"tickformat": ","})
    return fig


KIND_COLORS = {"qa": "#4f7cff", "focal_rewrite": "#ff8a3d", "rewrite": "#2ecc71", "document": "#8e44ad",
               "replay": "#95a5a6", "self_replay": "#5d6d7e"}


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


def curation_charts(counts: list[dict], scored: list[dict]) -> tuple[go.Figure, go.Figure, go.Figure]:
    """Samples by kind and status; token lengths by kind; score histograms of the automatic checks."""
    from plotly.subplots import make_subplots

    if not counts:
        return (_empty("Samples by status", "No samples yet"), _empty("Sample length", "No samples yet"),
                _empty("Check scores", "No samples yet"))
    status_colors = {"pending": "#bdc3c7", "accepted": "#2ecc71", "rejected": "#e74c3c", "eval": "#8e44ad"}
    by_status = go.Figure()
    for status in ("pending", "accepted", "rejected", "eval"):
        rows = [c for c in counts if c["status"] == status]
        by_status.add_bar(name=status, x=[c["kind"] for c in rows], y=[c["n"] for c in rows],
                          marker_color=status_colors[status])
    by_status.update_layout(barmode="stack", title="Samples by kind and status", height=320,
                            margin={"l": 40, "r": 20, "t": 50, "b": 40})
    lengths = go.Figure()
    for kind in sorted({s["kind"] for s in scored}):
        lengths.add_histogram(x=[s["n_tokens"] for s in scored if s["kind"] == kind], name=kind, opacity=0.7,
                              marker_color=KIND_COLORS.get(kind))
    lengths.update_layout(barmode="overlay", title="Sample length (tokens)", height=320,
                          margin={"l": 40, "r": 20, "t": 50, "b": 40})
    names = ["near_duplicate", "grounding", "leakage"]
    scores = make_subplots(rows=1, cols=3, subplot_titles=names)
    for col, name in enumerate(names, start=1):
        values = [s["scores"][name]["score"] for s in scored if s["scores"].get(name, {}).get("score") is not None]
        scores.add_histogram(x=values, nbinsx=20, showlegend=False, row=1, col=col, marker_color="#4f7cff")
    scores.update_layout(title="Check scores (run checks to fill)", height=320, margin={"l": 40, "r": 20, "t": 70, "b": 40})
    return by_status, lengths, scores


def mixture_chart(summary: dict, note: str = "Nothing to train on yet") -> go.Figure:
    """Tokens per kind for each document (and replay): the exact mix a run will train on (``note`` before any)."""
    by_doc = summary.get("tokens_by_document", {})
    if not by_doc:
        return _empty("Training mixture", note)
    kinds = sorted({k for kinds in by_doc.values() for k in kinds})
    fig = go.Figure()
    for kind in kinds:
        docs = [d for d in by_doc if kind in by_doc[d]]
        fig.add_bar(name=f"{kind} ({summary['tokens_by_kind'].get(kind, 0):,})", x=[d[:30] for d in docs],
                    y=[by_doc[d][kind] for d in docs], marker_color=KIND_COLORS.get(kind))
    fig.update_layout(barmode="stack", title=f"Training mixture: {summary.get('tokens_total', 0):,} tokens",
                      height=340, margin={"l": 40, "r": 20, "t": 50, "b": 80}, legend={"orientation": "h", "y": 1.15})
    return fig


def loss_chart(metrics: list[dict]) -> go.Figure:
    """Training loss per step with the learning rate on a second axis."""
    from plotly.subplots import make_subplots

    if not metrics:
        return _empty("Training loss", "Start a run to see its loss here")
    steps = [m["step"] for m in metrics]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(x=steps, y=[m["loss"] for m in metrics], name="loss", mode="lines+markers",
                    line={"color": "#4f7cff"})
    fig.add_scatter(x=steps, y=[m.get("learning_rate") for m in metrics], name="learning rate", mode="lines",
                    line={"color": "#ff8a3d", "dash": "dot"}, secondary_y=True)
    last = metrics[-1]
    fig.update_layout(title=f"Training loss — step {last['step']}/{last.get('max_steps', '?')}, loss {last['loss']:.3f}",
                      height=340, margin={"l": 40, "r": 40, "t": 50, "b": 40}, legend={"orientation": "h", "y": 1.12})
    fig.update_xaxes(title_text="step", tickformat="d", dtick=max(1, round(max(steps) / 10)) if steps else 1)
    fig.update_yaxes(title_text="loss", secondary_y=False)
    fig.update_yaxes(title_text="learning rate", secondary_y=True)
    return fig


ARM_COLORS = {"base": "#95a5a6", "rag": "#2ecc71", "tuned": "#4f7cff", "tuned+rag": "#8e44ad"}
RECIPE_COLORS = {"QA only": "#4f7cff", "docs only": "#2ecc71", "mixed": "#ff8a3d", "mixed + focal": "#c0392b"}


def accuracy_chart(summary: dict[str, dict]) -> go.Figure:
    """Accuracy per arm with 95% CI error bars and the 25% chance line of 4-option multiple choice."""
    if not summary:
        return _empty("Accuracy by arm", "No evaluation yet")
    arms = list(summary)
    acc = [summary[a]["accuracy"] for a in arms]
    fig = go.Figure(go.Bar(
        x=arms, y=acc, marker_color=[ARM_COLORS.get(a, "#4f7cff") for a in arms],
        error_y={"type": "data", "symmetric": False, "array": [summary[a]["ci95"][1] - v for a, v in zip(arms, acc, strict=True)],
                 "arrayminus": [v - summary[a]["ci95"][0] for a, v in zip(arms, acc, strict=True)]},
        text=[f"{v:.0%}<br>{summary[a]['correct']}/{summary[a]['n']}" for a, v in zip(arms, acc, strict=True)],
        textposition="inside", insidetextanchor="start", textfont={"color": "white"},
        hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    if any("mean_gold_rank" in s for s in summary.values()):
        # the chance line is labelled in the right margin, clear of the bars and their error bars
        fig.add_hline(y=0.25, line_dash="dot", line_color="#7f8c8d")
        fig.add_annotation(text="chance", x=1.0, xref="paper", xanchor="left", y=0.25, showarrow=False,
                           font={"color": "#7f8c8d", "size": 11})
    fig.update_layout(title="Accuracy by arm (95% CI)", yaxis={"range": [0, 1.1], "tickformat": ".0%"}, height=340,
                      margin={"l": 45, "r": 60, "t": 50, "b": 40}, bargap=0.35)
    return fig


def scaling_chart(points: list[dict], baselines: dict[str, float] | None = None) -> go.Figure:
    """Tuned accuracy vs synthetic training tokens (log x), one line per data recipe; base/RAG as flat references."""
    if not points:
        return _empty("Scaling curve", "Evaluate a tuned arm on runs of different sizes to see accuracy vs data")
    fig = go.Figure()
    for recipe in sorted({p["recipe"] for p in points}):
        pts = [p for p in points if p["recipe"] == recipe]
        fig.add_trace(go.Scatter(
            x=[p["synthetic_tokens"] for p in pts], y=[p["accuracy"] for p in pts], mode="lines+markers", name=recipe,
            line={"color": RECIPE_COLORS.get(recipe)}, customdata=[[p["run"], p["arm"], p["n"]] for p in pts],
            error_y={"type": "data", "symmetric": False, "array": [p["ci95"][1] - p["accuracy"] for p in pts],
                     "arrayminus": [p["accuracy"] - p["ci95"][0] for p in pts]},
            hovertemplate="%{customdata[0]} (%{customdata[1]}, n=%{customdata[2]}): %{y:.1%} at %{x:,} tokens<extra></extra>"))
    for arm, value in (baselines or {}).items():
        fig.add_hline(y=value, line_dash="dash", line_color=ARM_COLORS.get(arm, "#7f8c8d"))
        fig.add_annotation(text=f"{arm} {value:.0%}", x=1.0, xref="paper", xanchor="left", y=value, showarrow=False,
                           font={"color": ARM_COLORS.get(arm, "#7f8c8d"), "size": 11})
    xs = [p["synthetic_tokens"] for p in points if p["synthetic_tokens"] > 0] or [1]
    low, high = min(xs), max(xs)
    fig.update_layout(
        title="Scaling: accuracy vs synthetic training tokens", showlegend=True,
        legend={"orientation": "h", "y": -0.22, "x": 0},
        # one decade-spanning tick format ("3k", "10k", "30k"), padded so a single point is not alone on a bare axis
        xaxis={"type": "log", "title": "synthetic tokens (log scale)", "tickformat": "~s",
               "range": [_log10(low) - 0.3, _log10(high) + 0.3], "dtick": "D2" if high / low < 30 else 1},
        yaxis={"range": [0, 1.05], "tickformat": ".0%", "title": "accuracy"}, height=400,
        margin={"l": 55, "r": 80, "t": 50, "b": 90})
    return fig


def _log10(x: float) -> float:
    import math

    return math.log10(max(x, 1))


def trade_chart(points: list[dict]) -> go.Figure:
    """Each evaluated run as a point: knowledge gained on the documents (y) against general knowledge kept (x,
    0 = all kept). Up and right is better; the hover adds instruction drift and generic perplexity."""
    if not points:
        return _empty("Knowledge gained vs general ability kept",
                      "Evaluate base and tuned together (retention on) to place a run here")
    fig = go.Figure()
    drift = [p["drift"] if p["drift"] is not None else float("nan") for p in points]
    ppl = [p["perplexity_change"] if p["perplexity_change"] is not None else float("nan") for p in points]
    fig.add_trace(go.Scatter(
        x=[100 * p["kept"] for p in points], y=[100 * p["gained"] for p in points], mode="markers+text",
        text=[p["run"] or "" for p in points], textposition="top center", marker={"size": 12, "color": "#4f7cff"},
        customdata=[[p["run"], 100 * p["base"], 100 * p["tuned"], 100 * p["general_base"], 100 * p["general_tuned"],
                     d, 100 * q] for p, d, q in zip(points, drift, ppl, strict=True)],
        hovertemplate=("%{customdata[0]}: documents %{customdata[1]:.0f}% → %{customdata[2]:.0f}%, general "
                       "knowledge %{customdata[3]:.0f}% → %{customdata[4]:.0f}%, instruction drift "
                       "%{customdata[5]:+.2f}, generic perplexity %{customdata[6]:+.0f}%<extra></extra>")))
    fig.add_vline(x=0, line_dash="dot", line_color="#7f8c8d")
    fig.add_hline(y=0, line_dash="dot", line_color="#7f8c8d")
    fig.update_layout(title="Knowledge gained vs general ability kept (up and right is better)", showlegend=False,
                      xaxis={"title": "general knowledge, tuned − base (points)", "zeroline": False},
                      yaxis={"title": "accuracy on your questions, tuned − base (points)", "zeroline": False},
                      height=400, margin={"l": 60, "r": 30, "t": 50, "b": 60})
    return fig
