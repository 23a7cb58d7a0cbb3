#!/usr/bin/env python3
"""Regenerate the forecast fixtures under Tests/Fixtures/forecast/.

Run from the repository root:

    python3 scripts/make_forecast_fixtures.py

Deterministic (fixed seeds); needs numpy and scipy (1.15 or later, for
scipy.stats.poisson_binom). It rewrites only the files it owns:

- forecast/poisson_binomial.json: win probabilities (small, medium and large pipelines, with
  probabilities of exactly 0 and 1 and very skewed ones), and for each scipy's
  poisson_binom pmf, its mean and variance, and the P10 / P50 / P90 (the smallest k whose
  CDF reaches q). For the small case the pmf is also computed exactly with fractions.Fraction
  by the product of (1 - p + p z), so scipy itself is checked.
- forecast/revenue_lattice.json: probabilities and amounts on a grid of 250, and the exact
  revenue pmf by polynomial multiplication in Python integers scaled from Fractions (no
  rounding until the final division), with P10 / P50 / P90.

The Swift code computes the distributions another way (blocks, a convolution tree and tail
cuts; a lattice walk with tail cuts), so the tests compare independent implementations.
"""

import json
import platform
from fractions import Fraction
from pathlib import Path

import numpy as np
import scipy
from scipy.stats import poisson_binom

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "forecast"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__}
LEVELS = [0.1, 0.5, 0.9]


def write_json(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")


def quantiles_from_cdf(cdf, offset=0):
    """The smallest index k with cdf[k] >= q, for each level."""
    return [int(offset + np.argmax(cdf >= q)) for q in LEVELS]


def exact_pmf(probabilities):
    """The Poisson-binomial pmf with rational arithmetic: coefficients of prod (1 - p + p z)."""
    coefficients = [Fraction(1)]
    for p in probabilities:
        p = Fraction(p)  # the double exactly
        nxt = [Fraction(0)] * (len(coefficients) + 1)
        for k, c in enumerate(coefficients):
            nxt[k] += c * (1 - p)
            nxt[k + 1] += c * p
        coefficients = nxt
    return coefficients


def poisson_binomial_cases():
    rng = np.random.default_rng(20260501)
    cases = []
    specs = [
        ("small", rng.uniform(0, 1, 12)),
        ("edges", np.concatenate([[0.0, 1.0, 1.0, 0.0], rng.uniform(0, 1, 20)])),
        ("skewed", rng.beta(0.3, 3.0, 500)),
        ("pipeline", rng.beta(1.2, 3.0, 2000)),
    ]
    for name, p in specs:
        p = [float(x) for x in p]
        pmf = poisson_binom.pmf(np.arange(len(p) + 1), p)
        cdf = np.cumsum(pmf)
        case = {
            "name": name,
            "probabilities": p,
            "pmf": [float(x) for x in pmf],
            "mean": float(np.sum(p)),
            "variance": float(np.sum(np.array(p) * (1 - np.array(p)))),
            "quantiles": quantiles_from_cdf(cdf),
        }
        if len(p) <= 24:
            exact = exact_pmf(p)
            case["exactPmf"] = [float(c) for c in exact]
            running, quantiles = Fraction(0), []
            cumulative = []
            for c in exact:
                running += c
                cumulative.append(running)
            for q in LEVELS:
                quantiles.append(next(k for k, c in enumerate(cumulative) if c >= Fraction(q)))
            case["exactQuantiles"] = quantiles
            assert max(abs(float(a) - b) for a, b in zip(exact, pmf)) < 1e-14
        cases.append(case)
    return cases


def revenue_case():
    rng = np.random.default_rng(7)
    n = 60
    unit = 250
    steps = rng.integers(1, 120, n)
    amounts = [int(s) * unit for s in steps]
    p = [float(x) for x in rng.beta(1.5, 3.0, n)]
    # Exact: polynomial in z^(amount / unit), rational coefficients.
    coefficients = {0: Fraction(1)}
    for pi, s in zip(p, steps):
        pi = Fraction(pi)
        nxt = {}
        for k, c in coefficients.items():
            nxt[k] = nxt.get(k, 0) + c * (1 - pi)
            nxt[k + int(s)] = nxt.get(k + int(s), 0) + c * pi
        coefficients = nxt
    top = max(coefficients)
    pmf = [coefficients.get(k, Fraction(0)) for k in range(top + 1)]
    running, cumulative = Fraction(0), []
    for c in pmf:
        running += c
        cumulative.append(running)
    quantiles = [unit * next(k for k, c in enumerate(cumulative) if c >= Fraction(q)) for q in LEVELS]
    mean = sum(Fraction(pi) * a for pi, a in zip(p, amounts))
    return {
        "probabilities": p,
        "amounts": amounts,
        "unit": unit,
        "pmf": [float(c) for c in pmf],
        "mean": float(mean),
        "quantiles": quantiles,
    }


def main():
    write_json(OUT / "poisson_binomial.json", {"versions": VERSIONS, "cases": poisson_binomial_cases()})
    write_json(OUT / "revenue_lattice.json", {"versions": VERSIONS, **revenue_case()})


if __name__ == "__main__":
    main()
