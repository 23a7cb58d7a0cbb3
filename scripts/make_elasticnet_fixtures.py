#!/usr/bin/env python3
"""Regenerate the elastic-net reference fixtures under Tests/Fixtures/elasticnet/.

Run from the repository root (needs numpy, scipy, scikit-learn, statsmodels, mpmath):

    python3 scripts/make_elasticnet_fixtures.py

Each fixture is the minimizer of

    f(b, beta) = sum_i s_i [log(1 + exp(eta_i)) - y_i eta_i]
                 + lambda * (alpha * ||beta||_1 + (1 - alpha) / 2 * ||beta||^2),

with the intercept never penalized, on raw features or on features standardized by the
weighted mean and population standard deviation (then the penalty applies to the
standardized coefficients and the solution is reported on the raw scale).

The library reference is scikit-learn's LogisticRegression(C=1/lambda, l1_ratio=alpha,
solver="saga") at a tight tolerance: it minimizes the same function divided by C (see
sklearn/linear_model/_logistic.py, where saga gets alpha = (1/C)(1 - l1_ratio) and
beta = (1/C) l1_ratio). Its solution is then made exact, KKT-verified: on the set of non-zero
coefficients, with their signs fixed, the objective is smooth, so Newton steps in numpy's
long double find its stationary point; the fixture is accepted only if

- no sign changes (the support and signs saga found are those of the exact minimizer),
- every zero coefficient satisfies |gradient_j| < lambda * alpha * weight_j strictly,
- the largest KKT violation is below 1e-9 relative to the gradient's scale, and
- saga's coefficients agree with the exact ones to 1e-6 (relative to max(1, |value|), and
  per standard deviation of the column).

The script is deterministic (fixed seeds) and rewrites only its own files.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import (  # noqa: E402  (the shared objective and file helpers)
    DATA, FIXTURES, LD, VERSIONS, Objective, read_table, weighted_standardization, write_json, write_table,
)

warnings.simplefilter("error", sklearn.exceptions.ConvergenceWarning)

OUT = FIXTURES / "elasticnet"
SK = f"scikit-learn {sklearn.__version__}"
SAGA_AGREEMENT = 1e-6
KKT_TOLERANCE = 1e-9
summary = []


def make_wide_data():
    """3,000 rows, 24 features on scales from 0.3 to 40, correlated in pairs, 10 irrelevant."""
    rng = np.random.default_rng(20261207)
    n, k = 3000, 24
    scales = np.geomspace(0.3, 40, k)
    latent = rng.normal(size=(n, k))
    latent[:, 1::2] = 0.6 * latent[:, 0::2] + 0.8 * latent[:, 1::2]
    X = latent * scales + rng.normal(size=k)   # shifted means too
    truth = np.zeros(k)
    truth[:14] = np.array([1.0, -0.8, 0.6, 0.5, -0.4, 0.35, 0.3, -0.25, 0.2, 0.15, -0.12, 0.1, 0.08, -0.05])
    eta = -0.4 + (latent @ truth)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    columns = [(f"x{j + 1}", np.round(X[:, j], 6)) for j in range(k)] + [("y", y)]
    write_table(DATA / "elasticnet_wide.csv", columns)


def lambda_max(Z, y, s, l1_weights, alpha):
    """The smallest lambda at which every coefficient is zero, for L1 weights per unit lambda*alpha."""
    rate = np.sum(s * y) / np.sum(s)
    g = Z[:, 1:].T @ (s * (rate - y))
    return float(np.max(np.abs(g) / l1_weights) / alpha)


def exact_solution(objective, l1, theta0):
    """The stationary point of the smooth objective on saga's support with its signs fixed."""
    support = np.flatnonzero((theta0 != 0) | (np.arange(len(theta0)) == 0))
    signs = np.sign(theta0)
    sub = Objective(objective.Z[:, support], objective.y, objective.s, objective.pen[support])
    linear = (l1 * signs)[support].astype(LD)
    theta = theta0[support].astype(LD)
    for _ in range(50):
        g = sub.gradient(theta) + linear
        H = sub.hessian(theta).astype(np.float64)
        step = np.linalg.solve(H, g.astype(np.float64)).astype(LD)
        theta = theta - step
        if np.all(np.abs(step.astype(np.float64)) <= 1e-18 * np.maximum(np.abs(theta.astype(np.float64)), 1e-300)):
            break
    full = np.zeros(len(theta0), dtype=LD)
    full[support] = theta
    return full, support


def kkt_violation(g, theta, l1):
    """The largest entry of the minimum-norm subgradient."""
    g = np.asarray(g, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    v = np.where(theta > 0, np.abs(g + l1), np.where(theta < 0, np.abs(g - l1), np.maximum(np.abs(g) - l1, 0)))
    return float(np.max(v))


def fit_fixture(name, description, data_file, label, weight, features, fraction, alpha, standardize):
    table = read_table(DATA / data_file)
    X = np.column_stack([table[f] for f in features])
    y = table[label]
    n, k = X.shape
    s = table[weight] if weight else np.ones(n)
    if standardize:
        mean, scale = weighted_standardization(X, s)
        scaler = StandardScaler().fit(X, sample_weight=s if weight else None)
        Xsolved = scaler.transform(X)
        design = np.column_stack([np.ones(n, dtype=LD), (X.astype(LD) - mean) / scale])
        unit = np.ones(k)
    else:
        mean, scale = np.zeros(k), np.ones(k)
        Xsolved = X
        design = np.column_stack([np.ones(n, dtype=LD), X.astype(LD)])
        unit = np.ones(k)
    lam_max = lambda_max(design.astype(np.float64), y, s, unit, alpha)
    lam = float(np.float64(fraction * lam_max).round(6 - int(np.floor(np.log10(fraction * lam_max)))))
    l1 = np.r_[0.0, np.full(k, lam * alpha)]
    objective = Objective(design, y, s, np.r_[0.0, np.full(k, lam * (1 - alpha))])

    lr = LogisticRegression(C=1 / lam, l1_ratio=alpha, solver="saga", tol=1e-14, max_iter=1_000_000)
    lr.fit(Xsolved, y, sample_weight=s if weight else None)
    saga = np.concatenate([lr.intercept_, lr.coef_.ravel()])

    theta, support = exact_solution(objective, l1, saga)
    g = objective.gradient(theta)
    scale_of_gradient = float(np.max(np.sum(np.abs(design.astype(np.float64)) * s[:, None], axis=0)))
    violation = kkt_violation(g, theta, l1)
    assert np.all(np.sign(theta.astype(np.float64)) == np.sign(saga)), f"{name}: a sign changed while polishing"
    zero = np.setdiff1d(np.arange(1, k + 1), support)
    margin = float(np.min(l1[zero] - np.abs(g[zero].astype(np.float64)))) if len(zero) else float("inf")
    assert margin > 0, f"{name}: a zero coefficient violates its KKT condition"
    assert violation <= KKT_TOLERANCE * scale_of_gradient, f"{name}: KKT violation {violation}"
    agreement = float(np.max(np.abs(saga - theta.astype(np.float64)) / np.maximum(1, np.abs(theta.astype(np.float64)))))
    assert agreement <= SAGA_AGREEMENT, f"{name}: saga differs by {agreement}"

    # Back to the raw scale.
    gamma = theta[1:]
    beta = gamma / scale.astype(LD)
    intercept = theta[0] - np.sum(mean.astype(LD) * beta)
    value = objective.value(theta) + np.sum(l1.astype(LD) * np.abs(theta))
    payload = {
        "name": name,
        "description": description,
        "reference": (f"{SK} LogisticRegression(C=1/lambda, l1_ratio={alpha!r}, solver='saga', tol=1e-14, "
                      f"max_iter=1000000){' on StandardScaler-transformed features' if standardize else ''}, "
                      f"{lr.n_iter_[0]} epochs; made exact on its support with the signs fixed by Newton steps in "
                      f"numpy long double and KKT-verified (largest violation {violation:.2e}, smallest margin of a "
                      f"zero coefficient {margin:.3g}); saga agrees to {agreement:.1e}"),
        "versions": VERSIONS,
        "data": f"data/{data_file}",
        "label": label,
        "weight": weight,
        "featureNames": features,
        "lambda": lam,
        "l1Ratio": alpha,
        "standardize": standardize,
        "lambdaMax": lam_max,
        "intercept": float(intercept),
        "coefficients": [float(v) for v in beta],
        "zeroCoefficients": [features[j - 1] for j in zero],
        "objective": float(value),
    }
    write_json(OUT / f"{name}.json", payload)
    summary.append(f"{name}: lambda={lam:g} ({fraction:g} of lambda_max), alpha={alpha}, "
                   f"{len(zero)} of {k} zero, saga agreement {agreement:.1e}, KKT {violation:.1e}")


def main():
    make_wide_data()
    synthetic = ["amount", "annual_revenue", "employees", "days_to_first_touch", "bant_budget", "bant_authority",
                 "bant_need", "bant_timeline", "demo_requested", "emails_opened", "contacts_engaged",
                 "pricing_page_share", "intent_score"]
    wide = [f"x{j + 1}" for j in range(24)]
    weighted = read_table(DATA / "weighted_logit.csv")
    weighted_features = [c for c in weighted if c not in ("y", "w")]
    cases = [
        ("synthetic_lasso_standardized", "The synthetic SQLs (raw dollars next to 0/1 flags), lasso on standardized coefficients.",
         "synthetic_logit.csv", "y", None, synthetic, 0.2, 1.0, True),
        ("synthetic_enet_standardized", "The synthetic SQLs, elastic net alpha = 0.5 on standardized coefficients.",
         "synthetic_logit.csv", "y", None, synthetic, 0.1, 0.5, True),
        ("wide_lasso_raw", "24 correlated features on scales 0.3 to 40, lasso on raw coefficients, weak penalty.",
         "elasticnet_wide.csv", "y", None, wide, 0.02, 1.0, False),
        ("wide_lasso_raw_strong", "The same, lasso on raw coefficients, strong penalty: most coefficients zero.",
         "elasticnet_wide.csv", "y", None, wide, 0.3, 1.0, False),
        ("wide_enet_raw", "The same, elastic net alpha = 0.3 on raw coefficients.",
         "elasticnet_wide.csv", "y", None, wide, 0.1, 0.3, False),
        ("wide_enet_standardized", "The same, elastic net alpha = 0.8 on standardized coefficients.",
         "elasticnet_wide.csv", "y", None, wide, 0.15, 0.8, True),
        ("weighted_enet_standardized", "The weighted fixture data, elastic net alpha = 0.7 on standardized coefficients.",
         "weighted_logit.csv", "y", "w", weighted_features, 0.3, 0.7, True),
    ]
    for case in cases:
        fit_fixture(*case)
    print("\n".join(summary))


if __name__ == "__main__":
    main()
