#!/usr/bin/env python3
"""Regenerate the source-analysis fixtures under Tests/Fixtures/analysis/.

Run from the repository root:

    python3 scripts/make_analysis_fixtures.py

Deterministic (fixed seeds); needs numpy, scipy and statsmodels. It rewrites only
analysis/statistics.json, whose sections are:

- normalQuantiles: scipy.stats.norm.ppf(p).
- wilson: statsmodels.stats.proportion.proportion_confint(x, n, alpha=1 - confidence,
  method="wilson"), including 0 and n successes, n = 1 and large n.
- fisher: scipy.stats.fisher_exact([[a, b], [c, d]]) (two-sided p-value) for small, large,
  lopsided, mirror-image (tied probabilities) and degenerate tables.
- multipleTesting: statsmodels.stats.multitest.multipletests(p, alpha, method) for
  fdr_bh, fdr_by and holm, on p-value lists with ties, ones and tiny values.
- poissonBinomial: the two tails P(W <= k) = scipy.stats.poisson_binom(p).cdf(k) and
  P(W >= k) = poisson_binom(1 - p).cdf(n - k) (scipy's sf is 1 - cdf, which rounds the far
  upper tail away), .mean() and .var(), for probability vectors of 1 to 400 leads.

The Swift code computes each number its own way (a Newton iteration for the quantile, a
ratio recurrence for the hypergeometric terms, a one-lead-at-a-time recursion for the
Poisson-binomial distribution), so the tests compare independent implementations.
"""

import json
import platform
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy.stats import fisher_exact, norm, poisson_binom
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "analysis" / "statistics.json"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__}


def main():
    rng = np.random.default_rng(20260105)

    quantiles = [{"p": p, "z": float(norm.ppf(p))}
                 for p in [1e-300, 1e-20, 1e-8, 0.001, 0.005, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9,
                           0.95, 0.975, 0.995, 0.999, 1 - 1e-8]]

    wilson_cases = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (9, 10), (0, 13), (3, 13),
                    (20, 23), (267, 870), (130, 551), (1036, 3341), (0, 100000), (1, 100000),
                    (99999, 100000), (50000, 100000)]
    wilson_cases += [(int(x), int(n)) for n in rng.integers(1, 500, size=12) for x in [rng.integers(0, n + 1)]]
    wilson = []
    for confidence in [0.95, 0.9, 0.99]:
        for x, n in wilson_cases:
            low, high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
            wilson.append({"successes": x, "trials": n, "confidence": confidence,
                           "lower": float(low), "upper": float(high)})

    tables = [[3, 1, 1, 3], [1, 3, 3, 1], [2, 2, 2, 2], [5, 0, 0, 5], [0, 5, 5, 0], [10, 10, 10, 10],
              [20, 3, 112, 228], [27, 16, 105, 272], [1, 30, 99, 198], [9, 4, 41, 124], [0, 0, 3, 4],
              [0, 3, 0, 4], [3, 0, 4, 0], [0, 0, 0, 0], [1, 0, 0, 0], [7, 0, 0, 0], [0, 12, 5, 200],
              [12, 0, 5, 200], [500, 500, 450, 550], [300, 100, 100, 300], [2, 7, 8, 2], [4, 4, 4, 5],
              [13, 17, 84, 186], [1, 1, 1, 1], [6, 6, 6, 6], [3, 7, 7, 3]]
    for _ in range(40):
        n1 = int(rng.integers(1, 120))
        n2 = int(rng.integers(1, 400))
        a = int(rng.binomial(n1, rng.uniform(0.05, 0.8)))
        c = int(rng.binomial(n2, rng.uniform(0.05, 0.8)))
        tables.append([a, n1 - a, c, n2 - c])
    fisher = [{"table": t, "pValue": float(fisher_exact([[t[0], t[1]], [t[2], t[3]]])[1])} for t in tables]

    lists = [
        [0.01, 0.04, 0.03, 0.005, 0.5, 1.0, 0.2],
        [0.001, 0.001, 0.001, 0.2, 0.2, 0.9],
        [1.0, 1.0, 1.0],
        [0.04],
        [1e-12, 0.049, 0.051, 0.3, 0.03, 0.02, 0.8, 0.0125, 0.0126, 1.0],
        [float(x) for x in np.concatenate([rng.uniform(0, 1, 90), rng.uniform(0, 0.002, 22)])],
    ]
    multiple = []
    for values in lists:
        for method in ["fdr_bh", "fdr_by", "holm"]:
            for alpha in [0.05, 0.1]:
                reject, adjusted, _, _ = multipletests(values, alpha=alpha, method=method)
                multiple.append({"method": method, "alpha": alpha, "pValues": values,
                                 "adjusted": [float(x) for x in adjusted], "reject": [bool(x) for x in reject]})

    poisson = []
    vectors = [[0.3], [0.0, 1.0, 0.5], [0.1, 0.5, 0.7], [0.02] * 50, [0.98] * 40]
    vectors += [[float(x) for x in rng.beta(2, 5, size=n)] for n in [5, 13, 30, 97, 250, 400]]
    vectors += [[float(x) for x in rng.uniform(0.001, 0.999, size=n)] for n in [60, 200]]
    for p in vectors:
        dist = poisson_binom(p)
        # scipy's sf is 1 - cdf, which loses the far upper tail to rounding; P(W >= k) equals
        # P(n - W <= n - k), the lower tail of the mirrored probabilities, which cdf keeps.
        mirrored = poisson_binom([1 - x for x in p])
        n = len(p)
        mean = sum(p)
        cases = [{"observed": k, "lower": float(dist.cdf(k)), "upper": float(mirrored.cdf(n - k))}
                 for k in sorted({0, n, int(round(mean)), max(0, int(mean) - 4), min(n, int(mean) + 5), n // 3})]
        poisson.append({"probabilities": p, "mean": float(dist.mean()), "variance": float(dist.var()), "cases": cases})

    payload = {"reference": VERSIONS, "normalQuantiles": quantiles, "wilson": wilson, "fisher": fisher,
               "multipleTesting": multiple, "poissonBinomial": poisson}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
