#!/usr/bin/env python3
"""Regenerate the reference fixtures of the fitted encodings and the leakage checks.

Run from the repository root:

    python3 scripts/make_feature_fixtures.py

Writes Tests/Fixtures/features/*.json (hashing, quantile bins, natural splines) and
Tests/Fixtures/leakage/*.json (Jensen-Shannon divergence, column drift, single-feature AUC).
Every expected value comes from another library (scikit-learn, numpy, pandas, patsy, scipy)
or from a closed form written here independently of the Swift code. Deterministic: fixed
seeds, no timestamps. Needs numpy, scipy, pandas, scikit-learn and patsy.
"""

import json
import math
import platform
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import patsy
import scipy
import sklearn
from scipy.spatial.distance import jensenshannon
from sklearn.feature_extraction import FeatureHasher
from sklearn.metrics import roc_auc_score
from sklearn.utils import murmurhash3_32

warnings.simplefilter("error", FutureWarning)
warnings.simplefilter("error", DeprecationWarning)

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "Tests" / "Fixtures" / "features"
LEAKAGE = ROOT / "Tests" / "Fixtures" / "leakage"

VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "pandas": pd.__version__,
    "scikit-learn": sklearn.__version__,
    "patsy": patsy.__version__,
}


def write_json(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    # json writes floats with repr(), so doubles round-trip exactly; NaN is not JSON, so
    # missing values are written as null.
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


def floats_or_null(values):
    return [None if math.isnan(v) else float(v) for v in values]


# --------------------------------------------------------------------------------------
# Feature hashing: scikit-learn's FeatureHasher on one token per sample
# --------------------------------------------------------------------------------------

def hashing():
    tokens = [
        "", "a", "ab", "abc", "abcd", "abcde", "abcdefgh", "acme.com", "gmail.com",
        "VP Marketing", "vp marketing", "Head of Sales Operations, EMEA",
        "café", "Müller GmbH", "Ελλάδα", "東京都", "데이터", "🚀 growth", "naïve-ﬁ",
        "e\u0301",  # e + combining acute: different bytes from "é", so a different hash
        "x" * 100,
    ]
    buckets = [2, 7, 32, 1000, 2**20]
    cases = []
    for n in buckets:
        hasher = FeatureHasher(n_features=n, input_type="string", alternate_sign=True)
        # One list per sample: a bare string would be read as a list of characters.
        matrix = hasher.transform([[token] for token in tokens]).toarray()
        rows = []
        for token, row in zip(tokens, matrix):
            nonzero = np.flatnonzero(row)
            assert len(nonzero) == 1, (token, n)
            rows.append({"column": int(nonzero[0]), "sign": float(row[nonzero[0]])})
        cases.append({"buckets": n, "encoded": rows})
    write_json(FEATURES / "hashing.json", {
        "reference": f"sklearn.feature_extraction.FeatureHasher(n_features, input_type='string', "
                     f"alternate_sign=True).transform([[token] for token in tokens]), scikit-learn "
                     f"{sklearn.__version__}: the one nonzero column of each row and its value",
        "versions": VERSIONS,
        "tokens": tokens,
        "murmurhash3_32": [int(murmurhash3_32(t.encode("utf-8"), seed=0, positive=False)) for t in tokens],
        "cases": cases,
    })


# --------------------------------------------------------------------------------------
# Quantile bins: numpy's inverted_cdf quantiles and pandas.cut
# --------------------------------------------------------------------------------------

def bin_edges(values, bins):
    """Interior cuts: numpy inverted_cdf quantiles j/bins, equal ones merged, those at the maximum dropped."""
    q = np.quantile(values, [j / bins for j in range(1, bins)], method="inverted_cdf")
    return [float(e) for e in np.unique(q) if e < values.max()]


def quantile_bins():
    rng = np.random.default_rng(20240601)
    cases = []
    # A long-tailed amount with heavy ties at zero (many leads with no spend).
    amount = np.where(rng.random(1000) < 0.3, 0.0, np.round(rng.lognormal(8, 1.5, 1000), 2))
    # Small integer counts: cuts collide and are merged.
    visits = rng.poisson(1.2, 257).astype(float)
    # A small sample, where n j / K is whole for some j.
    small = np.array([3.5, -1.0, 2.0, 2.0, 7.25, 0.0, 11.0, 4.0, 4.0, 9.5])
    specs = [
        ("amount", amount, 10, "none", None, None),
        ("amount_log", amount, 5, "log1p", None, 12.0),
        ("visits", visits, 8, "none", None, None),
        ("visits_clipped", visits, 4, "none", None, 3.0),
        ("small", small, 5, "none", None, None),
        ("small_4", small, 4, "none", 0.0, None),
    ]
    for name, raw, bins, transform, low, high in specs:
        def transformed(v):
            v = np.log1p(v) if transform == "log1p" else v
            return np.clip(v, -np.inf if low is None else low, np.inf if high is None else high)
        x = transformed(raw)
        edges = bin_edges(x, bins)
        # Probes (raw values): the data, a datum at each cut, the same nudged just above it,
        # and values beyond either end.
        at_edges = np.array([raw[np.flatnonzero(x == e)[0]] for e in edges])
        raw_probe = np.concatenate([raw, at_edges, at_edges + 1e-9 * np.maximum(np.abs(at_edges), 1),
                                    [raw.max() * 2 + 1, raw.min() - 0.5 if transform == "none" else -0.5]])
        # pandas.cut with right-closed intervals numbers the bins from 0 (the reference).
        bins_of_probe = pd.cut(transformed(raw_probe), [-np.inf] + edges + [np.inf], right=True, labels=False)
        cases.append({
            "name": name, "bins": bins, "transform": transform, "clipLower": low, "clipUpper": high,
            "values": [float(v) for v in raw], "edges": edges,
            "probes": [float(v) for v in raw_probe], "probeBins": [int(b) for b in bins_of_probe],
            "median": float(np.median(x)),
        })
    write_json(FEATURES / "quantile_bins.json", {
        "reference": f"numpy {np.__version__} quantile(x, j/K, method='inverted_cdf') for j = 1..K-1 "
                     f"(x after log1p and clip), unique, cuts equal to max(x) dropped; bins of the probes by "
                     f"pandas {pd.__version__} cut(right=True, labels=False); median by numpy.median",
        "versions": VERSIONS,
        "cases": cases,
    })


# --------------------------------------------------------------------------------------
# Natural splines: Harrell's closed form and patsy's cr()
# --------------------------------------------------------------------------------------

def harrell_positions(k):
    """Hmisc rcspline.eval's default knot quantiles: seq(outer, 1 - outer, length = k)."""
    outer = 0.1 if k == 3 else 0.05 if k <= 6 else 0.025
    return [outer + (1 - 2 * outer) * i / (k - 1) for i in range(k)]


def restricted_cubic_spline(x, t):
    """Harrell's restricted cubic spline with norm = 2: columns x and k - 2 terms in x's units."""
    k = len(t)
    kd = (t[-1] - t[0]) ** (2.0 / 3.0)
    def p3(u):
        return np.maximum(u / kd, 0.0) ** 3
    columns = [x]
    for j in range(k - 2):
        columns.append(p3(x - t[j])
                       + ((t[k - 2] - t[j]) * p3(x - t[k - 1]) - (t[k - 1] - t[j]) * p3(x - t[k - 2]))
                       / (t[k - 1] - t[k - 2]))
    return np.column_stack(columns)


def natural_spline():
    rng = np.random.default_rng(20240602)
    cases = []
    specs = [
        ("days_open", rng.gamma(2.0, 15.0, 400), 3, "none"),
        ("employees", np.round(rng.lognormal(4, 1.2, 600)), 4, "log1p"),
        ("score", rng.normal(50, 12, 300), 5, "none"),
        ("touches", rng.gamma(3.0, 2.0, 800), 7, "none"),
        ("pages", rng.gamma(4.0, 3.0, 500), 9, "none"),
    ]
    for name, raw, k, transform in specs:
        x = np.log1p(raw) if transform == "log1p" else raw
        knots = np.quantile(x, harrell_positions(k))  # numpy's default method: linear
        assert len(np.unique(knots)) == k
        # Evaluation points (already transformed): across the data and 30% beyond either end.
        span = knots[-1] - knots[0]
        points = np.concatenate([np.linspace(knots[0] - 0.3 * span, knots[-1] + 0.3 * span, 61), knots])
        basis = restricted_cubic_spline(points, knots)
        # patsy's cr() spans the natural cubic splines with these knots, constant included.
        natural = np.asarray(patsy.dmatrix(
            "cr(x, knots=inner, lower_bound=lower, upper_bound=upper) - 1",
            {"x": points, "inner": tuple(knots[1:-1]), "lower": knots[0], "upper": knots[-1]}))
        assert natural.shape[1] == k
        # Self-check of this script: the closed form and cr() span the same space.
        ours = np.column_stack([np.ones(len(points)), basis])
        for a, b in ((ours, natural), (natural, ours)):
            coef, *_ = np.linalg.lstsq(a, b, rcond=None)
            assert np.abs(a @ coef - b).max() <= 1e-9 * np.abs(b).max(), name
        raw_points = np.expm1(points) if transform == "log1p" else points
        cases.append({
            "name": name, "knotCount": k, "transform": transform,
            "values": [float(v) for v in raw],
            "knots": [float(t) for t in knots],
            "points": [float(v) for v in raw_points],
            "transformedPoints": [float(v) for v in points],
            "harrell": [[float(v) for v in row] for row in basis],
            "patsyCR": [[float(v) for v in row] for row in natural],
        })
    write_json(FEATURES / "natural_spline.json", {
        "reference": f"knots: numpy {np.__version__} quantile (method='linear') at Hmisc rcspline.eval's default "
                     f"positions seq(a, 1 - a, length = K), a = 0.1 (K = 3), 0.05 (K = 4..6), 0.025 (K >= 7); "
                     f"harrell: the closed form of rcspline.eval(norm = 2) (columns x and K - 2 terms) at the "
                     f"points; patsyCR: patsy {patsy.__version__} cr(x, knots=inner, lower_bound=t1, "
                     f"upper_bound=tK) at the same points, K columns spanning the natural cubic splines "
                     f"(with the constant) on these knots",
        "versions": VERSIONS,
        "cases": cases,
    })


# --------------------------------------------------------------------------------------
# Leakage: Jensen-Shannon divergence, column drift, single-feature AUC
# --------------------------------------------------------------------------------------

def js_divergence(p, q):
    """scipy's Jensen-Shannon distance in base 2, squared: the divergence, in [0, 1]."""
    return float(jensenshannon(np.asarray(p, float), np.asarray(q, float), base=2) ** 2)


def numeric_drift(closed, open_):
    """Fill rates and the divergence over 10 bins cut at the pooled deciles, plus a missing bin."""
    pooled = np.concatenate([closed, open_])
    pooled = pooled[~np.isnan(pooled)]
    cuts = np.quantile(pooled, [j / 10 for j in range(1, 10)], method="inverted_cdf")
    def distribution(x):
        present = x[~np.isnan(x)]
        counts = np.bincount(np.digitize(present, cuts, right=True), minlength=10).astype(float)
        return np.append(counts, np.isnan(x).sum()) / len(x)
    return {
        "closedFillRate": float(np.mean(~np.isnan(closed))),
        "openFillRate": float(np.mean(~np.isnan(open_))),
        "divergence": js_divergence(distribution(closed), distribution(open_)),
    }


def categorical_drift(closed, open_):
    c = pd.Series(closed, dtype=object).value_counts(dropna=False, normalize=True)
    o = pd.Series(open_, dtype=object).value_counts(dropna=False, normalize=True)
    levels = c.index.union(o.index, sort=False)
    return {
        "closedFillRate": float(np.mean([v is not None for v in closed])),
        "openFillRate": float(np.mean([v is not None for v in open_])),
        "divergence": js_divergence(c.reindex(levels, fill_value=0).to_numpy(), o.reindex(levels, fill_value=0).to_numpy()),
    }


def leakage():
    rng = np.random.default_rng(20240603)
    divergences = [
        {"p": [0.5, 0.5], "q": [0.5, 0.5]},
        {"p": [1.0, 0.0], "q": [0.0, 1.0]},
        {"p": [0.5, 0.5, 0.0], "q": [0.0, 0.1, 0.9]},
        {"p": [0.1, 0.2, 0.3, 0.4], "q": [0.4, 0.3, 0.2, 0.1]},
        {"p": [0.25, 0.25, 0.25, 0.25, 0.0], "q": [0.0, 0.2, 0.2, 0.2, 0.4]},
    ]
    for case in divergences:
        case["divergence"] = js_divergence(case["p"], case["q"])

    def with_missing(x, rate):
        x = x.copy()
        x[rng.random(len(x)) < rate] = np.nan
        return x
    numeric = []
    for name, closed, open_ in [
        ("same_distribution", with_missing(rng.normal(0, 1, 700), 0.1), with_missing(rng.normal(0, 1, 300), 0.1)),
        ("shifted", with_missing(rng.normal(0.8, 1, 700), 0.05), with_missing(rng.normal(0, 1, 300), 0.2)),
        ("ties_and_infinity", np.append(rng.poisson(1.0, 500).astype(float), [np.inf, np.nan]),
         rng.poisson(2.0, 200).astype(float)),
        ("closed_only", rng.gamma(2, 1000, 400), np.full(150, np.nan)),
    ]:
        numeric.append({"name": name, "closed": floats_or_null(closed), "open": floats_or_null(open_),
                        **numeric_drift(closed, open_)})
    # infinities are not JSON: the one case with one says so, and the test restores it.
    numeric[2]["closed"][500] = "inf"

    levels = ["software", "retail", "finance", None]
    categorical = []
    for name, closed, open_ in [
        ("industry", list(rng.choice(levels, 500, p=[0.4, 0.3, 0.2, 0.1])),
         list(rng.choice(levels, 200, p=[0.35, 0.35, 0.2, 0.1]))),
        ("loss_reason", list(rng.choice(["price", "timing", "competitor"], 300)), [None] * 120),
    ]:
        closed = [None if v is None else str(v) for v in closed]
        open_ = [None if v is None else str(v) for v in open_]
        categorical.append({"name": name, "closed": closed, "open": open_, **categorical_drift(closed, open_)})

    aucs = []
    labels = (rng.random(400) < 0.35).astype(float)
    for name, values in [
        ("strong", np.round(labels * 1.9 + rng.normal(0, 0.6, 400), 1)),
        ("reversed", -np.round(labels * 0.8 + rng.normal(0, 1, 400), 1)),
        ("ties_only", rng.integers(0, 3, 400).astype(float)),
        ("with_missing", np.where(rng.random(400) < 0.2 + 0.3 * labels, np.nan, rng.normal(0, 1, 400))),
    ]:
        # Missing values rank below every number: the same ranks as any value below the minimum.
        ranked = np.where(np.isnan(values), np.nanmin(values) - 1, values)
        auc = roc_auc_score(labels, ranked)
        aucs.append({"name": name, "values": floats_or_null(values), "auc": float(max(auc, 1 - auc))})

    write_json(LEAKAGE / "leakage.json", {
        "reference": f"divergence: scipy {scipy.__version__} spatial.distance.jensenshannon(p, q, base=2) ** 2; "
                     f"numeric drift: cuts numpy.quantile(pooled present values, j/10, method='inverted_cdf'), "
                     f"10 bins by numpy.digitize(x, cuts, right=True) and a missing bin, each side divided by its "
                     f"row count; categorical drift: pandas value_counts(dropna=False, normalize=True); auc: "
                     f"scikit-learn {sklearn.__version__} roc_auc_score with missing values ranked lowest, "
                     f"max(auc, 1 - auc)",
        "versions": VERSIONS,
        "labels": [float(v) for v in labels],
        "divergences": divergences,
        "numericDrifts": numeric,
        "categoricalDrifts": categorical,
        "aucs": aucs,
    })


if __name__ == "__main__":
    hashing()
    quantile_bins()
    natural_spline()
    leakage()
