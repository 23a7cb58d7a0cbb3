#!/usr/bin/env python3
"""Regenerate the calibration fixture, Tests/Fixtures/calibration.json.

Run from the repository root:

    pip install scikit-learn && python3 scripts/make_calibration_fixtures.py

Deterministic (fixed seeds); needs numpy and scikit-learn. For each case it records the
model's log-odds, their probabilities, the labels and the weights (or null), and:

- platt: scikit-learn's `_sigmoid_calibration(logOdds, labels, weights)`, the fit behind
  `CalibratedClassifierCV(method="sigmoid")` (Platt's smoothed targets, L-BFGS-B). Its answer
  is polished here by Newton steps on the same loss in long double, and the polished A and B
  are recorded with the gradient left at them and the library's own distance from them;
  `predictions` are 1 / (1 + exp(A * eta + B)) at `queryLogOdds` (the rows' log-odds, then a
  grid reaching 3 past each end), in long double.
- isotonic: `IsotonicRegression(out_of_bounds="clip")` fitted to the labels against the
  probabilities with the weights, its `X_thresholds_` and `y_thresholds_`, and its predictions
  at `queryProbabilities` (the rows' probabilities, then 0, 1 and a grid of 101 points on
  [0, 1], so that some lie below and above the fitted range and are clipped).

Cases: a hand-sized case of 8 rows with two tied probabilities, 300 rows on a 0.05 grid of
probabilities (many ties), 400 weighted rows (weights 0 to 3, some exactly 0, ties),
2,000 rows from an overconfident model, and 500 rows whose log-odds reach beyond 30 (where
scikit-learn rescales them before its fit).
"""

import json
import platform
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "calibration.json"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}
LD = np.longdouble


def sigmoid(z):
    z = np.asarray(z, dtype=LD)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def platt_loss_terms(a, b, eta, y, w):
    """Gradient and Hessian, in long double, of the summed weighted loss against Platt's targets."""
    eta, w = np.asarray(eta, dtype=LD), np.asarray(w, dtype=LD)
    positive = y > 0
    wins, losses = w[positive].sum(), w[~positive].sum()
    t = np.where(positive, (wins + 1) / (wins + 2), 1 / (losses + 2))
    r = -(LD(a) * eta + LD(b))
    p = sigmoid(r)
    residual = w * (p - t)
    curvature = w * p * (1 - p)
    g = np.array([-(residual * eta).sum(), -residual.sum()])
    h = np.array([[(curvature * eta * eta).sum(), (curvature * eta).sum()],
                  [(curvature * eta).sum(), curvature.sum()]])
    return g, h


def platt(eta, y, w):
    a_lib, b_lib = _sigmoid_calibration(eta, y, None if w is None else np.asarray(w))
    ww = np.ones(len(y)) if w is None else np.asarray(w)
    a, b = LD(a_lib), LD(b_lib)
    for _ in range(50):
        g, h = platt_loss_terms(a, b, eta, y, ww)
        step = np.linalg.solve(h.astype(np.float64), g.astype(np.float64))
        a, b = a - LD(step[0]), b - LD(step[1])
        if np.max(np.abs(step)) < 1e-18:
            break
    g, _ = platt_loss_terms(a, b, eta, y, ww)
    return {
        "a": float(a), "b": float(b),
        "maxAbsGradient": float(np.max(np.abs(g))),
        "libraryA": float(a_lib), "libraryB": float(b_lib),
        "libraryMaxDifference": float(max(abs(LD(a_lib) - a), abs(LD(b_lib) - b))),
    }, (a, b)


def case(name, eta, y, w=None):
    eta = np.asarray(eta, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(sigmoid(eta), dtype=np.float64)
    fit, (a, b) = platt(eta, y, w)
    query_eta = np.concatenate([eta, np.linspace(eta.min() - 3, eta.max() + 3, 41)])
    fit["queryLogOdds"] = [float(v) for v in query_eta]
    fit["predictions"] = [float(v) for v in sigmoid(-(a * query_eta.astype(LD) + b))]

    iso = IsotonicRegression(out_of_bounds="clip").fit(p, y, sample_weight=None if w is None else np.asarray(w))
    query_p = np.concatenate([p, [0.0, 1.0], np.linspace(0, 1, 101)])
    isotonic = {
        "thresholds": [float(v) for v in iso.X_thresholds_],
        "values": [float(v) for v in iso.y_thresholds_],
        "queryProbabilities": [float(v) for v in query_p],
        "predictions": [float(v) for v in iso.predict(query_p)],
    }
    return {
        "name": name,
        "logOdds": [float(v) for v in eta],
        "probabilities": [float(v) for v in p],
        "labels": [int(v) for v in y],
        "weights": None if w is None else [float(v) for v in w],
        "platt": fit,
        "isotonic": isotonic,
    }


def main():
    rng = np.random.default_rng(20261207)
    cases = []

    # Hand-sized: two rows share a probability (one won, one lost).
    eta = np.array([-2.0, -1.0, -0.5, -0.5, 0.0, 0.5, 1.5, 2.5])
    y = np.array([0, 0, 1, 0, 0, 1, 1, 1])
    cases.append(case("small", eta, y))

    p = rng.choice(np.arange(1, 20) / 20, 300)
    eta = np.log(p / (1 - p))
    cases.append(case("ties", eta, rng.binomial(1, 1 / (1 + np.exp(-(0.7 * eta - 0.4))))))

    p = rng.choice(np.arange(1, 40) / 40, 400)
    eta = np.log(p / (1 - p))
    w = rng.choice([0.0, 0.5, 1.0, 2.0, 3.0], 400)
    cases.append(case("weighted", eta, rng.binomial(1, 1 / (1 + np.exp(-(0.5 * eta + 0.3)))), w))

    # An overconfident model: its log-odds are twice the true ones, shifted.
    eta = rng.normal(-0.8, 2.0, 2000)
    cases.append(case("large", eta, rng.binomial(1, 1 / (1 + np.exp(-(0.5 * eta - 0.2))))))

    eta = rng.normal(0.0, 15.0, 500)
    eta[0] = 40.0
    cases.append(case("wide", eta, rng.binomial(1, 1 / (1 + np.exp(-(0.1 * eta))))))

    payload = {
        "description": "Platt scaling (scikit-learn's _sigmoid_calibration, polished by Newton in long double) and "
                       "IsotonicRegression(out_of_bounds='clip'), for PlattScaling and IsotonicCalibration.",
        "versions": VERSIONS,
        "cases": cases,
    }
    OUT.write_text(json.dumps(payload, indent=1, allow_nan=False) + "\n")
    for c in cases:
        f = c["platt"]
        print(f"{c['name']:9s} n={len(c['labels']):5d} A={f['a']:+.10f} B={f['b']:+.10f} "
              f"|g|={f['maxAbsGradient']:.1e} sklearn off by {f['libraryMaxDifference']:.1e}; "
              f"isotonic thresholds={len(c['isotonic']['thresholds'])}")


if __name__ == "__main__":
    main()
