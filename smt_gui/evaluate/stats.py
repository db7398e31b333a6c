"""Statistics for small evaluation sets: confidence intervals and paired tests between arms.

Small models sit near chance on QuALITY, so "tuned beat base" has to be a tested statement: McNemar's exact test
on the questions where the two arms disagree, and a paired bootstrap of the accuracy difference.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def wilson_interval(correct: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (well-behaved at small n and near 0 or 1)."""
    if n == 0:
        return (0.0, 0.0)
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(values: Sequence[float], z: float = 1.96) -> tuple[float, float]:
    """Normal-approximation 95% interval of a mean (for per-question log-likelihoods)."""
    n = len(values)
    if n == 0:
        return (0.0, 0.0)
    mean = sum(values) / n
    if n == 1:
        return (mean, mean)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return (mean - z * sd / math.sqrt(n), mean + z * sd / math.sqrt(n))


def mcnemar_exact(a_right: Sequence[bool], b_right: Sequence[bool]) -> dict[str, float]:
    """Exact two-sided McNemar test: only questions where exactly one arm is right count."""
    if len(a_right) != len(b_right):
        raise ValueError("Both arms must be scored on the same questions.")
    only_a = sum(1 for x, y in zip(a_right, b_right, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(a_right, b_right, strict=True) if y and not x)
    n = only_a + only_b
    if n == 0:
        return {"only_a": 0, "only_b": 0, "p_value": 1.0}
    k = min(only_a, only_b)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return {"only_a": only_a, "only_b": only_b, "p_value": min(1.0, 2 * tail)}


def paired_bootstrap(a_right: Sequence[float], b_right: Sequence[float], rounds: int = 10_000,
                     seed: int = 0) -> dict[str, float]:
    """Mean difference (b - a) with a 95% bootstrap interval over questions, resampled in pairs: of right/wrong
    (accuracy) or of any per-question score (a log-likelihood)."""
    n = len(a_right)
    if n == 0 or n != len(b_right):
        raise ValueError("Both arms must be scored on the same, non-empty set of questions.")
    rng = random.Random(seed)
    diffs = []
    for _ in range(rounds):
        idx = [rng.randrange(n) for _ in range(n)]
        diffs.append(sum(b_right[i] - a_right[i] for i in idx) / n)
    diffs.sort()
    return {"difference": (sum(b_right) - sum(a_right)) / n, "low": diffs[int(0.025 * rounds)],
            "high": diffs[int(0.975 * rounds) - 1]}
