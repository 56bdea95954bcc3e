"""Compare runs: the headline metrics side by side, the difference of each run from the first (the baseline) with
its paired-bootstrap interval and significance, and latency percentiles; and a Markdown table of one or more runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eval.bootstrap import PairedDelta, paired_bootstrap, paired_bootstrap_statistic
from eval.rundir import Run, RunError
from eval.scoring import HEADLINE, LABELS, LOWER_IS_BETTER, STATISTICS, Table, score_table

LATENCY_STAGES = ("search", "end_to_end")


@dataclass
class MetricComparison:
    metric: str
    label: str
    delta: PairedDelta

    @property
    def better(self) -> bool | None:
        """Whether the second run is significantly better (None when the difference is not significant)."""
        if not self.delta.significant:
            return None
        return (self.delta.delta < 0) if self.metric in LOWER_IS_BETTER else (self.delta.delta > 0)


def aligned(a: Run, b: Run) -> tuple[list[dict], list[dict]]:
    """The results of the questions both runs answered, in ``a``'s order."""
    by_id = {r["id"]: r for r in b.results}
    common = [r for r in a.results if r["id"] in by_id]
    if not common:
        raise RunError(f"runs {a.name!r} and {b.name!r} have no question in common")
    return common, [by_id[r["id"]] for r in common]


def compare_runs(a: Run, b: Run, metrics: list[str] | None = None) -> list[MetricComparison]:
    """Paired comparison of ``b`` against ``a`` on the questions they share."""
    ra, rb = aligned(a, b)
    ta, tb = score_table(ra, a.manifest), score_table(rb, b.manifest)
    out = []
    for m in metrics or HEADLINE:
        delta = paired_delta(ta, tb, m)
        if delta is not None:
            out.append(MetricComparison(m, LABELS.get(m, m), delta))
    return out


def paired_delta(ta: Table, tb: Table, metric: str) -> PairedDelta | None:
    """The paired bootstrap of one metric between two runs' aligned tables; None when one run lacks it (a
    retrieval-only run has no answer metrics; an AUROC needs positives and negatives)."""
    if metric in STATISTICS:
        rows_of, statistic = STATISTICS[metric]
        rows = np.union1d(rows_of(ta), rows_of(tb))
        delta = paired_bootstrap_statistic(lambda r: statistic(ta, r), lambda r: statistic(tb, r), rows)
        return None if np.isnan(delta.delta) else delta
    if np.isnan(ta[metric]).all() or np.isnan(tb[metric]).all():
        return None
    return paired_bootstrap(ta[metric], tb[metric])


def latency_rows(runs: list[Run]) -> list[tuple[str, list[float | None]]]:
    rows = []
    for stage in LATENCY_STAGES:
        for pct in ("p50", "p95"):
            vals = [r.metrics.get("latency_ms", {}).get(stage, {}).get(pct) for r in runs]
            if any(v is not None for v in vals):
                rows.append((f"{stage} {pct} (ms)", vals))
    return rows


def fmt(x: float | None, digits: int = 4) -> str:
    """``x`` to ``digits`` decimals; "–" for None or nan."""
    return "–" if x is None or x != x else f"{x:.{digits}f}"


def markdown_table(runs: list[Run]) -> str:
    """Headline metrics of each run (value and 95% interval) and latency, as a Markdown table."""
    if not runs:
        raise RunError("no run given")
    for r in runs:
        if not r.metrics:
            raise RunError(f"{r.directory} has no metrics.json: the run did not finish (run it again to resume)")
    head = "| metric | " + " | ".join(r.name for r in runs) + " |"
    lines = [head, "|---|" + "---|" * len(runs)]
    for m in HEADLINE:
        cells = []
        for r in runs:
            h = r.metrics.get("headline", {}).get(m)
            cells.append(f"{h['value']:.4f} [{h['low']:.3f}, {h['high']:.3f}] (n={h['n']})" if h else "–")
        if any(c != "–" for c in cells):
            lines.append(f"| {LABELS.get(m, m)} | " + " | ".join(cells) + " |")
    for label, vals in latency_rows(runs):
        lines.append(f"| {label} | " + " | ".join(fmt(v, 1) for v in vals) + " |")
    return "\n".join(lines)
