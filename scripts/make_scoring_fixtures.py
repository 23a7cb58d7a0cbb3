#!/usr/bin/env python3
"""Regenerate the scoring fixtures under Tests/Fixtures/scoring/.

Run from the repository root:

    python3 scripts/make_scoring_fixtures.py

Deterministic (fixed seeds); needs numpy and pandas. It rewrites only the files it owns:

- scoring/deciles.json: calibration and lift tables by deciles of the predicted
  probability, computed with pandas (rank(method="average"), groupby, cumsum) for
  predictions with and without ties, fewer than ten rows, a single class and wins only.
- scoring/linear_scorer.json: a small random logistic model (coefficients, intercept, a
  random symmetric positive-definite covariance, column centers and a grouping of the
  columns), rows to score, and for each row the linear predictor, the probability, the
  standard error of the linear predictor by the delta method, the 90% range, the
  contribution of each group and the top three positive and negative groups, all computed
  in numpy long double from the uncentered formulas.

The Swift code computes the same numbers another way (its own sort and tie walk; centered
rows and a Cholesky factor), so the tests compare two independent implementations.
"""

import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "scoring"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__}
LD = np.longdouble


def write_json(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")


# --------------------------------------------------------------------------------------
# Deciles
# --------------------------------------------------------------------------------------

def decile_tables(p, y):
    """Calibration and lift tables, by the rule documented in CalibrationTable.swift:
    G = min(10, n) groups; group k is meant to hold sorted positions floor(k n / G) ..<
    floor((k + 1) n / G); a block of tied probabilities goes whole to the group holding
    its midrank (pandas' average rank, 0-based)."""
    n = len(p)
    G = min(10, n)
    bounds = np.array([k * n // G for k in range(G + 1)])
    frame = pd.DataFrame({"p": p, "y": y})
    midrank = frame["p"].rank(method="average").to_numpy() - 1
    frame["group"] = np.searchsorted(bounds[1:G], midrank, side="right")
    stats = frame.groupby("group").agg(rows=("y", "size"), wins=("y", "sum"),
                                       meanPredicted=("p", "mean"), lowest=("p", "min"),
                                       highest=("p", "max")).sort_index()
    stats["observedRate"] = stats["wins"] / stats["rows"]
    ece = float((stats["rows"] / n * (stats["observedRate"] - stats["meanPredicted"]).abs()).sum())
    calibration = {
        "groupCount": G, "count": n, "wins": int(frame["y"].sum()),
        "expectedCalibrationError": ece,
        "groups": [{"group": int(k) + 1, "rows": int(r.rows), "wins": int(r.wins),
                    "meanPredicted": float(r.meanPredicted), "observedRate": float(r.observedRate),
                    "lowestPredicted": float(r.lowest), "highestPredicted": float(r.highest)}
                   for k, r in stats.iterrows()],
    }
    total_wins = int(frame["y"].sum())
    if total_wins == 0:
        return calibration, None
    rate = total_wins / n
    top = stats.iloc[::-1].copy()
    top["cumRows"] = top["rows"].cumsum()
    top["cumWins"] = top["wins"].cumsum()
    lift = {
        "groupCount": G, "count": n, "wins": total_wins, "overallRate": rate,
        "deciles": [{"decile": G - int(k), "rows": int(r.rows), "wins": int(r.wins),
                     "winRate": float(r.observedRate), "lift": float(r.observedRate / rate),
                     "cumulativeRows": int(r.cumRows), "cumulativeWins": int(r.cumWins),
                     "gain": float(r.cumWins / total_wins),
                     "cumulativeLift": float(r.cumWins / r.cumRows / rate),
                     "lowestPredicted": float(r.lowest), "highestPredicted": float(r.highest)}
                    for k, r in top.iterrows()],
    }
    return calibration, lift


def make_deciles():
    rng = np.random.default_rng(20261123)
    cases = []

    def add(name, description, p, y):
        p = np.asarray(p, dtype=float)
        y = np.asarray(y, dtype=int)
        calibration, lift = decile_tables(p, y)
        cases.append({"name": name, "description": description,
                      "probabilities": [float(v) for v in p], "labels": [int(v) for v in y],
                      "calibration": calibration, "lift": lift})

    p = rng.beta(2, 5, 1003)
    add("continuous", "1003 distinct predictions (n not a multiple of 10), labels drawn "
        "from them.", p, rng.binomial(1, p))
    p = np.round(rng.beta(2, 5, 517), 2)
    add("rounded", "517 predictions rounded to 2 decimals: tied blocks straddle group "
        "boundaries.", p, rng.binomial(1, p))
    p = rng.choice([0.05, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9], 97)
    add("heavy_ties", "97 predictions with 5 distinct values: most groups are left empty.",
        p, rng.binomial(1, p))
    add("seven_rows", "7 rows, two tied: fewer than 10 groups.",
        [0.3, 0.1, 0.7, 0.3, 0.9, 0.2, 0.5], [1, 0, 1, 0, 1, 0, 0])
    p = rng.uniform(0, 0.3, 40)
    add("no_wins", "40 rows, all lost: lift is undefined.", p, np.zeros(40, dtype=int))
    p = rng.uniform(0.5, 1, 23)
    add("wins_only", "23 rows, all won: every lift is 1.", p, np.ones(23, dtype=int))
    half = np.concatenate([np.full(6, 0.4), np.full(6, 0.6)])
    add("half_ties", "12 rows in two tied blocks of 6: midranks 2.5 and 8.5 against "
        "boundaries 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12.", half,
        [0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1])

    add("even_split", "10 rows, one tied pair across the boundary between groups 3 and 4: "
        "an even split stays in the lower group.",
        [0.1, 0.2, 0.35, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95], [0, 0, 1, 0, 0, 1, 0, 1, 1, 1])

    write_json(OUT / "deciles.json", {
        "reference": "pandas Series.rank(method='average'), numpy.searchsorted against "
                     "floor(k n / G), DataFrame.groupby, cumsum",
        "versions": VERSIONS, "cases": cases})
    for c in cases:
        groups = [g["group"] for g in c["calibration"]["groups"]]
        print(f"  deciles/{c['name']:12s} n={len(c['labels']):5d} groups={groups}")


# --------------------------------------------------------------------------------------
# The scoring kernel
# --------------------------------------------------------------------------------------

Z90 = 1.6448536269514722


def expit_ld(eta):
    """1 / (1 + exp(-eta)) in long double, without overflow."""
    eta = np.asarray(eta, dtype=LD)
    out = np.empty_like(eta)
    pos = eta >= 0
    out[pos] = 1 / (1 + np.exp(-eta[pos]))
    e = np.exp(eta[~pos])
    out[~pos] = e / (1 + e)
    return out


def top_k(values, k, sign):
    """Indices and values of the k largest positive (sign=+1) or most negative (sign=-1)
    entries, ties to the lower index; empty slots are (-1, 0)."""
    candidates = [(-(sign * v), g) for g, v in enumerate(values) if sign * v > 0]
    candidates.sort()
    chosen = candidates[:k]
    groups = [g for _, g in chosen] + [-1] * (k - len(chosen))
    vals = [float(values[g]) for g in groups if g >= 0] + [0.0] * (k - len(chosen))
    return groups, vals


def make_linear_scorer():
    rng = np.random.default_rng(7781)
    d = 12
    groups = [(0, 1), (1, 4), (4, 4), (4, 5), (5, 9), (9, 10), (10, 12)]
    beta = rng.normal(0, 0.8, d)
    mu = rng.normal(0, 2, d)
    # Columns 0, 4 and 9 are the single-column groups 0, 3 and 5: equal coefficients and
    # centers, so rows with equal values there tie exactly.
    beta[[4, 9]] = beta[0] = 1.5
    mu[[4, 9]] = mu[0]
    intercept = -0.7
    a = rng.normal(size=(d + 1, d + 1))
    cov = a @ a.T / (d + 1) * 0.01 + 0.001 * np.eye(d + 1)
    cov = (cov + cov.T) / 2

    n = 2600                     # six of the scorer's 512-row blocks, the last one partial
    x = mu + rng.normal(0, 1.5, (n, d))
    x[0] = mu                    # the average lead: every contribution is 0
    for i in range(1, 21):       # ties between groups 0, 3 and 5
        t = rng.choice([-1.0, 0.5, 2.0])
        x[i, [0, 4, 9]] = mu[0] + t
    x[21, [0, 4, 9]] = mu[0]     # ties at 0: in neither list
    for i, t in enumerate([300, 450, 600, -300, -450, -600]):
        x[22 + i, 0] = mu[0] + t    # |eta| up to 900: probabilities 0 and 1

    xl = x.astype(LD)
    eta = LD(intercept) + xl @ beta.astype(LD)
    xt = np.hstack([np.ones((n, 1), dtype=LD), xl])
    var = np.einsum("ij,jk,ik->i", xt, cov.astype(LD), xt)
    se = np.sqrt(var)
    centered = (xl - mu.astype(LD)) * beta.astype(LD)
    contributions = np.stack([centered[:, lo:hi].sum(axis=1) for lo, hi in groups], axis=1)
    contributions64 = contributions.astype(float)
    top = {"topPositiveGroups": [], "topPositiveContributions": [],
           "topNegativeGroups": [], "topNegativeContributions": []}
    for row in contributions64:
        g, v = top_k(row, 3, +1)
        top["topPositiveGroups"] += g
        top["topPositiveContributions"] += v
        g, v = top_k(row, 3, -1)
        top["topNegativeGroups"] += g
        top["topNegativeContributions"] += v

    write_json(OUT / "linear_scorer.json", {
        "reference": "numpy long double: eta = b + x.beta, se = sqrt(einsum('ij,jk,ik->i', "
                     "[1|X], Sigma, [1|X])), range = expit(eta -/+ 1.6448536269514722 se), "
                     "contributions = sums of beta_j (x_j - mu_j) over each group; top three "
                     "by sorting (-|c|, group)",
        "versions": VERSIONS,
        "intercept": intercept, "coefficients": [float(v) for v in beta],
        "covariance": [float(v) for v in cov.ravel()], "centers": [float(v) for v in mu],
        "groups": [list(g) for g in groups],
        "rows": n, "features": [float(v) for v in x.ravel()],
        "linearPredictor": [float(v) for v in eta],
        "probability": [float(v) for v in expit_ld(eta)],
        "standardError": [float(v) for v in se],
        "low": [float(v) for v in expit_ld(eta - LD(Z90) * se)],
        "high": [float(v) for v in expit_ld(eta + LD(Z90) * se)],
        "contributions": [float(v) for v in contributions64.ravel()],
        **top,
    })
    print(f"  linear_scorer n={n} d={d} groups={len(groups)} "
          f"eta in [{float(eta.min()):.1f}, {float(eta.max()):.1f}]")


def main():
    make_deciles()
    make_linear_scorer()


if __name__ == "__main__":
    main()
