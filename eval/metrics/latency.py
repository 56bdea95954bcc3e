"""Latency summaries: p50, p95 (linear interpolation between order statistics, numpy's default), max, mean."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def summarize(values_ms: Iterable[float]) -> dict[str, float]:
    """``{"p50", "p95", "max", "mean", "n"}`` of the finite values; only ``n: 0`` when there are none."""
    v = np.asarray([x for x in values_ms if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return {"n": 0}
    return {"p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95)), "max": float(v.max()),
            "mean": float(v.mean()), "n": int(v.size)}
