#!/usr/bin/env python3
"""Regenerate the ROC curve fixture, Tests/Fixtures/roc_curves.json.

Run from the repository root:

    python3 scripts/make_roc_fixtures.py

Deterministic (fixed seeds); needs numpy and scikit-learn. For each case it records the
labels, the probabilities, scikit-learn's full curve (`roc_curve(y, p,
drop_intermediate=False)`: one point per distinct probability, the first threshold +inf
written as null) and `roc_auc_score`. The Swift ROCCurve computes the curve with its own sort
and tie walk and drops collinear points; the tests check that every point it keeps is one of
scikit-learn's, that scikit-learn's points all lie on its segments, and that its area is the
AUC.

Cases: probabilities on a 0.1 grid (many ties), 150 distinct probabilities, all
probabilities equal, a perfect ranking, and 3,000 probabilities rounded to three decimals,
whose curve has more than 200 corners and is thinned.
"""

import json
import platform
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score, roc_curve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "roc_curves.json"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}


def case(name, y, p):
    fpr, tpr, thresholds = roc_curve(y, p, drop_intermediate=False)
    assert np.isinf(thresholds[0])
    return {
        "name": name,
        "labels": [int(v) for v in y],
        "probabilities": [float(v) for v in p],
        "falsePositiveRate": [float(v) for v in fpr],
        "truePositiveRate": [float(v) for v in tpr],
        "thresholds": [None] + [float(v) for v in thresholds[1:]],
        "auc": float(roc_auc_score(y, p)),
    }


def main():
    cases = []
    rng = np.random.default_rng(20260501)
    p = np.round(rng.choice(np.arange(1, 10) / 10, 60), 1)
    cases.append(case("ties", rng.binomial(1, p), p))

    p = rng.uniform(0.02, 0.95, 150)
    cases.append(case("distinct", rng.binomial(1, p), p))

    p = np.full(25, 0.3)
    y = np.array([1] * 8 + [0] * 17)
    rng.shuffle(y)
    cases.append(case("constant", y, p))

    p = np.linspace(0.05, 0.95, 20)
    cases.append(case("perfect", (p > 0.6).astype(int), p))

    eta = rng.normal(-0.8, 1.2, 3000)
    p = np.round(1 / (1 + np.exp(-eta)), 3)
    cases.append(case("thinned", rng.binomial(1, p), p))

    payload = {
        "description": "ROC curves of scikit-learn's roc_curve(drop_intermediate=False) and "
                       "roc_auc_score, for ROCCurve.",
        "versions": VERSIONS,
        "cases": cases,
    }
    OUT.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
    for c in cases:
        print(f"{c['name']:10s} n={len(c['labels']):5d} points={len(c['falsePositiveRate']):5d} auc={c['auc']:.6f}")


if __name__ == "__main__":
    main()
