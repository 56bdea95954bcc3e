"""The HTML report of one or more runs: one self-contained file (plots embedded as base64 PNG, no scripts, no
external resources) with the headline table and intervals, Recall@k curves, the abstention trade-off, breakdowns by
question type and by gold document, latency histograms, the worst failures, gold references the corpus lacks, and —
with two or more runs — each run's differences from the first with their paired-bootstrap intervals and significance."""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import numpy as np

from eval.compare import compare_runs, fmt, latency_rows
from eval.rundir import Run, RunError
from eval.scoring import HEADLINE, LABELS, LOWER_IS_BETTER, gold_keys, ranked_keys, score_table

WORST = 20
TOP_DOCUMENTS = 25
# the product's bars for abstention: at most 5% of the answerable questions, at least half of those outside the corpus
ABSTAIN_ANSWERABLE_BAR = 0.05
ABSTAIN_OUTSIDE_BAR = 0.5
TYPE_LABELS = {"true_false": "Đúng/Sai", "multiple_choice": "Trắc nghiệm", "short_answer": "Trả lời ngắn",
               "open": "Mở"}


# -- plots ------------------------------------------------------------------------------------------------------------
def _figure(width: float = 7.5, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    ax.grid(alpha=0.3)
    return fig, ax


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def plot_recall_curves(runs: list[Run]) -> str | None:
    fig, ax = _figure()
    drawn = False
    for r in runs:
        curve = r.metrics.get("recall_curve") or []
        if curve:
            ax.plot(range(1, len(curve) + 1), curve, label=r.name, linewidth=1.8)
            drawn = True
    if not drawn:
        return None
    ax.set_xscale("log")
    ax.set_xlabel("k (articles retrieved)")
    ax.set_ylabel("Recall@k")
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower right")
    return _png(fig)


def plot_abstention(runs: list[Run]) -> str | None:
    """Abstention on the answerable questions (x) against abstention on those outside the corpus (y) as the
    confidence threshold rises, each run's own operating point marked; dashed lines at the product's bars."""
    fig, ax = _figure(6.5, 4.6)
    drawn = False
    for r in runs:
        curve = [p for p in r.metrics.get("abstention_curve") or []
                 if p["abstain_answerable"] is not None and p["abstain_outside"] is not None]
        point = r.metrics.get("abstention_operating_point") or {}
        if not curve or point.get("abstain_outside") is None:
            continue
        auroc = r.metrics.get("headline", {}).get("confidence_auroc")
        label = f"{r.name} (AUROC {auroc['value']:.3f})" if auroc else r.name
        line, = ax.plot([p["abstain_answerable"] for p in curve], [p["abstain_outside"] for p in curve],
                        marker=".", markersize=3, linewidth=1.8, label=label)  # a tie across the groups: a diagonal
        ax.plot([point["abstain_answerable"]], [point["abstain_outside"]], marker="o", markersize=9,
                color=line.get_color(), markeredgecolor="black", linestyle="none",
                label=f"{r.name}: operating point")
        drawn = True
    if not drawn:
        return None
    ax.axvline(ABSTAIN_ANSWERABLE_BAR, color="grey", linestyle="--", linewidth=1)
    ax.axhline(ABSTAIN_OUTSIDE_BAR, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_xlabel("abstention on answerable questions")
    ax.set_ylabel("abstention on questions outside the corpus")
    ax.legend(fontsize=8, loc="best")
    return _png(fig)


def _grouped_bars(ax, groups: list[str], series: dict[str, list[float | None]]) -> None:
    width = 0.8 / max(len(series), 1)
    x = np.arange(len(groups))
    for i, (name, vals) in enumerate(series.items()):
        ax.bar(x + i * width - 0.4 + width / 2, [v if v is not None else 0 for v in vals], width, label=name)
    ax.set_xticks(x)
    ax.set_xticklabels(groups, rotation=0)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)


def plot_by_type(runs: list[Run], metric: str) -> str | None:
    types = sorted({t for r in runs for t in r.metrics.get("by_type", {})})
    series = {r.name: [r.metrics["by_type"].get(t, {}).get(metric) for t in types] for r in runs}
    if not any(v is not None for vals in series.values() for v in vals):
        return None
    fig, ax = _figure(6.5, 3.2)
    _grouped_bars(ax, [TYPE_LABELS.get(t, t) for t in types], series)
    ax.set_ylabel(LABELS.get(metric, metric))
    return _png(fig)


def plot_by_document(runs: list[Run], metric: str = "recall@10") -> str | None:
    docs = list(runs[0].metrics.get("by_document", {}).items())[:TOP_DOCUMENTS]
    if not docs:
        return None
    labels = [f"{row.get('title', doc)[:48]} (n={row['n']})" for doc, row in docs]
    fig, ax = _figure(8.5, 0.32 * len(docs) + 1.2)
    height = 0.8 / len(runs)
    y = np.arange(len(docs))
    for i, r in enumerate(runs):
        by_doc = r.metrics.get("by_document", {})
        vals = [by_doc.get(doc, {}).get(metric) or 0 for doc, _ in docs]
        ax.barh(y + i * height - 0.4 + height / 2, vals, height, label=r.name)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(LABELS.get(metric, metric))
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def plot_latency(runs: list[Run], stage: str) -> str | None:
    series = [(r.name, [x["timings_ms"][stage] for x in r.results if stage in (x.get("timings_ms") or {})])
              for r in runs]
    series = [(n, v) for n, v in series if v]
    if not series:
        return None
    fig, ax = _figure(6.5, 3.0)
    top = max(np.percentile(v, 99.5) for _, v in series)
    bins = np.linspace(0, top * 1.05 or 1, 40)
    for name, v in series:
        ax.hist(np.clip(v, 0, bins[-1]), bins=bins, alpha=0.55, label=f"{name} (p50 {np.percentile(v, 50):.0f} ms)")
    ax.set_xlabel(f"{stage} (ms)")
    ax.set_ylabel("questions")
    ax.legend(fontsize=8)
    return _png(fig)


# -- tables -----------------------------------------------------------------------------------------------------------
def headline_rows(runs: list[Run]) -> list[dict]:
    comparisons = [{c.metric: c for c in compare_runs(runs[0], r)} for r in runs[1:]]
    rows = []
    for m in HEADLINE:
        cells = []
        for i, r in enumerate(runs):
            h = r.metrics.get("headline", {}).get(m)
            cell = {"value": fmt(h["value"]) if h else "–",
                    "ci": f"[{fmt(h['low'], 3)}, {fmt(h['high'], 3)}]" if h else "", "n": h["n"] if h else 0}
            if i and m in comparisons[i - 1]:
                c = comparisons[i - 1][m]
                d = c.delta
                cell |= {"delta": f"{d.delta:+.4f}", "delta_ci": f"[{d.low:+.3f}, {d.high:+.3f}]",
                         "p": f"{d.p_value:.3f}", "significant": d.significant,
                         "cls": {True: "sig-better", False: "sig-worse"}.get(c.better, "")}
            cells.append(cell)
        if any(c["value"] != "–" for c in cells):
            rows.append({"metric": LABELS.get(m, m), "lower_is_better": m in LOWER_IS_BETTER, "cells": cells})
    return rows


def type_rows(runs: list[Run]) -> dict:
    metrics = ["recall@1", "recall@10", "mrr@10", "f2", "accuracy", "token_f1", "citation_recall", "abstained"]
    rows = []
    for r in runs:
        for t, row in r.metrics.get("by_type", {}).items():
            rows.append({"run": r.name, "type": TYPE_LABELS.get(t, t), "n": row["n"],
                         "values": [fmt(row.get(m)) for m in metrics]})
    return {"header": [LABELS.get(m, m) for m in metrics], "rows": rows}


def abstention_rows(runs: list[Run]) -> list[dict]:
    """Each run's confidence AUROC and its operating point (the rates with its own abstentions)."""
    rows = []
    for r in runs:
        point = r.metrics.get("abstention_operating_point")
        if not point:
            continue
        auroc = r.metrics.get("headline", {}).get("confidence_auroc")
        rows.append({"run": r.name, "auroc": fmt(auroc["value"], 3) if auroc else "–",
                     "answerable": fmt(point["abstain_answerable"], 3), "outside": fmt(point["abstain_outside"], 3),
                     "correct": fmt(point["answered_correct"], 3)})
    return rows


def document_rows(runs: list[Run]) -> dict:
    metrics = ["recall@1", "recall@10", "mrr@10", "accuracy", "citation_recall"]
    rows = []
    for doc, row in runs[0].metrics.get("by_document", {}).items():
        vals = []
        for r in runs:
            other = r.metrics.get("by_document", {}).get(doc, {})
            vals.append([fmt(other.get(m)) for m in metrics])
        rows.append({"document": doc, "title": row.get("title", doc), "n": row["n"], "values": vals})
    return {"header": [LABELS.get(m, m) for m in metrics], "rows": rows}


def _severity(scores: dict[str, float]) -> float:
    """How badly a question failed: retrieval (1 − MRR@10) plus the answer (1 − its correctness score)."""
    def ok(x):
        return x is not None and not math.isnan(x)

    retrieval = 1 - scores["mrr@10"] if ok(scores["mrr@10"]) else 0.0
    answer = 0.0
    for m in ("accuracy", "token_f1", "citation_recall", "groundedness"):
        if ok(scores[m]):
            answer = 1 - scores[m]
            break
    if ok(scores.get("abstained:outside")):  # outside the corpus: answering at all is the failure
        answer = 1 - scores["abstained:outside"]
    return retrieval + answer


def worst_failures(run: Run, n: int = WORST) -> list[dict]:
    table = score_table(run.results, run.manifest)
    sev = [_severity({m: float(table[m][i]) for m in table}) for i in range(len(run.results))]
    order = sorted(range(len(run.results)), key=lambda i: -sev[i])
    out = []
    for i in order[:n]:
        if sev[i] <= 0:
            break
        r = run.results[i]
        ranks = {k: j for j, k in enumerate(ranked_keys(r), 1)}
        gold = [g | {"rank": ranks.get((g["document"], g["article"]))} for g in r.get("gold", [])]
        golds = gold_keys(r)
        retrieved = [h | {"gold": (h["document"], h["article"]) in golds} for h in r.get("retrieved", [])[:5]]
        a = r.get("answer") or None
        out.append({"id": r["id"], "type": TYPE_LABELS.get(r["type"], r["type"]), "question": r["question"],
                    "choices": r.get("choices") or {}, "gold_answer": r.get("gold_answer"), "gold": gold,
                    "answerable": r.get("answerable", True), "references": r.get("references") or [],
                    "retrieved": retrieved, "answer": a, "error": r.get("error"),
                    "severity": f"{sev[i]:.2f}"})
    return out


TEMPLATE = r"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>ThuKy — báo cáo đánh giá: {{ title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem auto;max-width:1180px;
padding:0 1rem;color:#1d2733;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2.4rem;border-bottom:2px solid #dde3ea;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem} th,td{border:1px solid #dde3ea;padding:.3rem .5rem;
text-align:left;vertical-align:top} th{background:#f3f6f9} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ci{color:#66717d;font-size:.8rem} .sig-better{background:#e3f6e8} .sig-worse{background:#fbe4e4}
.muted{color:#66717d} img{max-width:100%;border:1px solid #eef1f4;margin:.4rem 0}
.failure{border:1px solid #dde3ea;border-radius:6px;padding:.6rem .9rem;margin:1rem 0}
.failure h3{font-size:1rem;margin:.1rem 0 .4rem} .hit-gold{font-weight:600;color:#1b7a3a}
.plots{display:flex;flex-wrap:wrap;gap:1rem} .plots figure{margin:0} figcaption{font-size:.85rem;color:#66717d}
code{background:#f3f6f9;padding:0 .25rem;border-radius:3px}
</style></head><body>
<h1>ThuKy — báo cáo đánh giá</h1>
<p class="muted">{{ title }} · {{ runs|length }} run(s) · generated {{ generated }}</p>

<h2>Runs</h2>
<table><tr><th>run</th><th>suite</th><th>questions</th><th>corpus</th><th>mode</th><th>configuration</th>
<th>commit</th><th>finished</th></tr>
{% for r in run_rows %}<tr><td>{{ r.name }}</td><td>{{ r.suite }}</td><td class="num">{{ r.questions }}</td>
<td>{{ r.corpus }}</td><td>{{ r.mode }}</td><td><code>{{ r.config }}</code></td><td>{{ r.commit }}</td>
<td>{{ r.finished }}</td></tr>{% endfor %}
</table>

<h2>Headline metrics</h2>
<p class="muted">Means over the questions each metric applies to (n); 95% percentile bootstrap intervals over questions
({{ resamples }} resamples).{% if runs|length > 1 %} Δ = run − {{ runs[0].name }}, paired bootstrap on the questions
both runs share; green/red: significantly better/worse (the interval of Δ excludes 0).{% endif %}
 F2 is ALQAC's per-question F2 of the articles the system returns: the top-1 plus each following article scoring at
least {{ cutoff_ratio }} × the top score, at most {{ cutoff_max }}.</p>
<table><tr><th>metric</th>{% for r in runs %}<th>{{ r.name }}</th>{% if not loop.first %}<th>Δ vs {{ runs[0].name }}
</th>{% endif %}{% endfor %}</tr>
{% for row in headline %}<tr><td>{{ row.metric }}{% if row.lower_is_better %} <span class="muted">(lower is better)
</span>{% endif %}</td>
{% for c in row.cells %}<td class="num">{{ c.value }} <span class="ci">{{ c.ci }} n={{ c.n }}</span></td>
{% if not loop.first %}<td class="num {{ c.cls }}">
{% if c.delta %}{{ c.delta }} <span class="ci">{{ c.delta_ci }} p={{ c.p }}</span>{% if c.significant %} ✱{% endif %}
{% else %}–{% endif %}</td>{% endif %}{% endfor %}</tr>{% endfor %}
{% for label, vals in latency %}<tr><td>{{ label }}</td>{% for v in vals %}<td class="num">{{ v }}</td>
{% if not loop.first %}<td></td>{% endif %}{% endfor %}</tr>{% endfor %}
</table>

<h2>Recall@k</h2>
{% if plots.recall %}<img alt="Recall@k curves" src="{{ plots.recall }}">{% else %}<p class="muted">No question has gold
articles.</p>{% endif %}

{% if plots.abstention %}<h2>Confidence and abstention</h2>
<p class="muted">Each point abstains on a question when its confidence is below a threshold or the system abstained by
itself, the threshold rising along the curve; the marked point is the run as it answered. Dashed: the product's bars
(at most {{ bars[0] }} of the answerable questions abstained on, at least {{ bars[1] }} of those outside the corpus).
The AUROC in the headline ranks the confidence of answers that cite a gold article against questions outside the
corpus.</p>
<img alt="Abstention trade-off" src="{{ plots.abstention }}">
<table><tr><th>run</th><th>AUROC</th><th>abstention (answerable)</th><th>abstention (outside)</th>
<th>answered correctly (answerable)</th></tr>
{% for row in abstention %}<tr><td>{{ row.run }}</td><td class="num">{{ row.auroc }}</td>
<td class="num">{{ row.answerable }}</td><td class="num">{{ row.outside }}</td><td class="num">{{ row.correct }}</td>
</tr>{% endfor %}</table>{% endif %}

<h2>By question type</h2>
<div class="plots">
{% for caption, src in plots.types %}<figure><img alt="{{ caption }}" src="{{ src }}"><figcaption>{{ caption }}
</figcaption></figure>{% endfor %}
</div>
<table><tr><th>run</th><th>type</th><th>n</th>{% for h in types.header %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in types.rows %}<tr><td>{{ row.run }}</td><td>{{ row.type }}</td><td class="num">{{ row.n }}</td>
{% for v in row["values"] %}<td class="num">{{ v }}</td>{% endfor %}</tr>{% endfor %}
</table>

<h2>By gold document</h2>
{% if plots.documents %}<img alt="Recall@10 by document" src="{{ plots.documents }}">{% endif %}
<table><tr><th>document</th><th>n</th>{% for r in runs %}{% for h in documents.header %}<th>{{ h }}{% if runs|length > 1
%}<br><span class="muted">{{ r.name }}</span>{% endif %}</th>{% endfor %}{% endfor %}</tr>
{% for row in documents.rows %}<tr><td>{{ row.title }}<br><span class="muted">{{ row.document }}</span></td>
<td class="num">{{ row.n }}</td>{% for vals in row["values"] %}{% for v in vals %}<td class="num">{{ v }}</td>
{% endfor %}{% endfor %}</tr>{% endfor %}
</table>

<h2>Latency</h2>
<div class="plots">
{% for caption, src in plots.latency %}<figure><img alt="{{ caption }}" src="{{ src }}"><figcaption>{{ caption }}
</figcaption></figure>{% endfor %}
</div>
<table><tr><th>run</th><th>stage</th><th>p50 ms</th><th>p95 ms</th><th>max ms</th><th>n</th></tr>
{% for r in runs %}{% for stage, s in r.metrics.latency_ms.items() %}<tr><td>{{ r.name }}</td><td>{{ stage }}</td>
<td class="num">{{ "%.1f"|format(s.p50) }}</td><td class="num">{{ "%.1f"|format(s.p95) }}</td>
<td class="num">{{ "%.1f"|format(s.max) }}</td><td class="num">{{ s.n }}</td></tr>{% endfor %}{% endfor %}
</table>

{% for w in worst %}
<h2>Worst failures — {{ w.run }}</h2>
<p class="muted">Ordered by (1 − MRR@10) + (1 − the answer's score: accuracy, token F1, citation recall or
groundedness, whichever applies).</p>
{% for f in w.failures %}<div class="failure">
<h3>{{ f.id }} · {{ f.type }} <span class="muted">severity {{ f.severity }}</span></h3>
<p>{{ f.question }}</p>
{% if f.choices %}<ul>{% for k, v in f.choices.items() %}<li><b>{{ k }}</b>. {{ v }}</li>{% endfor %}</ul>{% endif %}
{% if f.gold_answer %}<p><b>Gold answer:</b> {{ f.gold_answer }}</p>{% endif %}
{% if not f.answerable %}<p><b>Outside the corpus</b> (should be abstained on){% if f.references %}; its source
cites {% for g in f.references %}Điều {{ g.article }} {{ g.document }}{% if not loop.last %}, {% endif %}{% endfor %}
{% endif %}.</p>{% else %}
<p><b>Gold article(s):</b></p>{% endif %}
<ul>{% for g in f.gold %}<li>Điều {{ g.article }} {{ g.document_title or g.written }}
{% if g.title %}— {{ g.title }}{% endif %} <span class="muted">({{ g.document }};
{% if g.rank %}retrieved at rank {{ g.rank }}{% else %}not retrieved{% endif %}{% if g.problem %}; {{ g.problem }}
{% endif %})</span></li>{% endfor %}</ul>
<p><b>Retrieved:</b></p><ol>{% for h in f.retrieved %}
<li class="{% if h.gold %}hit-gold{% endif %}">Điều {{ h.article }}
{{ h.document_title or h.document }}{% if h.title %} — {{ h.title }}{% endif %} <span class="muted">score
{{ "%.3f"|format(h.score) }}</span></li>{% endfor %}</ol>
{% if f.error %}<p><b>Error:</b> {{ f.error }}</p>{% endif %}
{% if f.answer %}<p><b>Answer{% if f.answer.abstained %} (abstained){% endif %}:</b>
{% if f.answer.value %}<b>{{ f.answer.value|truncate(200) }}</b> — {% endif %}{{ f.answer.text|truncate(700) }}</p>
{% if f.answer.citations %}<p class="muted">Cited: {% for c in f.answer.citations %}Điều {{ c.article }}
{{ c.document_title }}{% if not loop.last %}; {% endif %}{% endfor %}</p>{% endif %}{% endif %}
</div>{% endfor %}
{% endfor %}

{% if problems %}<h2>Gold references the corpus does not resolve</h2>
<p class="muted">Kept in the gold sets as misses, never dropped.</p>
<table><tr><th>run</th><th>question</th><th>document as written</th><th>article</th><th>problem</th></tr>
{% for p in problems %}<tr><td>{{ p.run }}</td><td>{{ p.question_id }}</td><td>{{ p.document }}</td>
<td>{{ p.article }}</td><td>{{ p.problem }}</td></tr>{% endfor %}</table>{% endif %}
</body></html>
"""


def _run_row(r: Run) -> dict:
    m = r.manifest
    system = m.get("system", {})
    config = {**system.get("settings", {}), **{f"assistant.{k}": v for k, v in system.get("assistant", {}).items()}}
    config["k"] = m.get("k")
    git = m.get("git") or {}
    commit = (git.get("commit") or "")[:10] + (" (dirty)" if git.get("dirty") else "")
    return {"name": r.name, "suite": Path(m["suite"]).name if m.get("suite") else "", "questions": len(r.results),
            "corpus": m.get("corpus") or f"per question (default {m.get('default_corpus')})",
            "mode": "retrieval only" if m.get("retrieval_only") else "retrieval + answers",
            "config": ", ".join(f"{k}={v}" for k, v in config.items() if v is not None),
            "commit": commit, "finished": m.get("finished", "unfinished")}


def render_report(runs: list[Run], worst: int = WORST) -> str:
    import datetime as dt

    from jinja2 import Environment

    if not runs:
        raise RunError("no run given")
    for r in runs:
        if not r.metrics:
            raise RunError(f"{r.directory} has no metrics.json: the run did not finish (run it again to resume)")
    answered = any(r.metrics.get("answered") for r in runs)
    type_plots = [("Recall@10 by question type", plot_by_type(runs, "recall@10"))]
    if answered:
        type_plots += [("Accuracy by question type (Đúng/Sai, trắc nghiệm)", plot_by_type(runs, "accuracy")),
                       ("Citation recall by question type", plot_by_type(runs, "citation_recall"))]
    stages = sorted({s for r in runs for s in r.metrics.get("latency_ms", {})},
                    key=lambda s: (s != "search", s != "end_to_end", s))
    latency_plots = [(f"{s} latency", plot_latency(runs, s)) for s in stages[:4]]
    plots = {"recall": plot_recall_curves(runs), "abstention": plot_abstention(runs) if answered else None,
             "types": [(c, p) for c, p in type_plots if p],
             "documents": plot_by_document(runs), "latency": [(c, p) for c, p in latency_plots if p]}
    cut = runs[0].manifest.get("cutoff", {})
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(TEMPLATE).render(
        title=" vs ".join(r.name for r in runs), runs=runs, run_rows=[_run_row(r) for r in runs],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        resamples=runs[0].metrics.get("bootstrap", {}).get("resamples"),
        cutoff_ratio=cut.get("ratio"), cutoff_max=cut.get("max"),
        headline=headline_rows(runs),
        latency=[(label, [fmt(v, 1) for v in vals]) for label, vals in latency_rows(runs)],
        plots=plots, types=type_rows(runs), documents=document_rows(runs), abstention=abstention_rows(runs),
        bars=(f"{ABSTAIN_ANSWERABLE_BAR:.0%}", f"{ABSTAIN_OUTSIDE_BAR:.0%}"),
        worst=[{"run": r.name, "failures": worst_failures(r, worst)} for r in runs],
        problems=[p | {"run": r.name} for r in runs for p in r.metrics.get("gold_problems", [])])


def write_report(runs: list[Run], out: Path, worst: int = WORST) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(runs, worst), encoding="utf-8")
    return out
