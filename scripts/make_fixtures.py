#!/usr/bin/env python3
"""Regenerate the reference fixtures under Tests/Fixtures/.

Run from the repository root:

    python3 scripts/make_fixtures.py

Every fixture is a fact computed by another library (statsmodels, scikit-learn) and
then polished with a few Newton steps in numpy's extended precision (80-bit long double)
on exactly the objective the Swift trainer minimizes:

    f(b, beta) = sum_i s_i * [log(1 + exp(eta_i)) - y_i * eta_i] + (lambda / 2) * ||beta||^2,
    eta_i = b + x_i . beta,

with the intercept b never penalized. When "standardize" is on, the same objective is
solved in the standardized parametrization (features centred and scaled by the weighted
mean and weighted population standard deviation), so the penalty applies to the
standardized coefficients gamma = sigma * beta, and the solution is reported back on
the raw scale.

scikit-learn's LogisticRegression(C) minimizes the same function divided by C * sum(s)
(see sklearn/linear_model/_logistic.py, `l2_reg_strength = 1.0 / (C * sw_sum)`, and
sklearn/linear_model/_linear_loss.py, `LinearModelLoss`), so lambda = 1 / C.

The script is deterministic (fixed seeds), rewrites the files it owns under
Tests/Fixtures/ (it never deletes other files there) and prints a short summary.
"""

import csv
import json
import math
import platform
import sys
import warnings
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.linalg
import scipy.special
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._linear_loss import LinearModelLoss
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.preprocessing import StandardScaler
from statsmodels.base._penalized import PenalizedMixin
from statsmodels.base._penalties import L2 as L2Penalty
from statsmodels.discrete.discrete_model import Logit

# Any deprecation in the reference libraries is a bug in this script: the fixtures must be
# produced with the parameter spellings that are current for the recorded versions.
warnings.simplefilter("error", FutureWarning)
warnings.simplefilter("error", DeprecationWarning)
warnings.simplefilter("error", sklearn.exceptions.ConvergenceWarning)
warnings.simplefilter("error", statsmodels.tools.sm_exceptions.ConvergenceWarning)
warnings.simplefilter("error", scipy.linalg.LinAlgWarning)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "Fixtures"
DATA = FIXTURES / "data"
DEGENERATE = FIXTURES / "degenerate"

LD = np.longdouble
VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "scikit-learn": sklearn.__version__,
    "statsmodels": statsmodels.__version__,
}
SK = f"scikit-learn {sklearn.__version__}"
SM = f"statsmodels {statsmodels.__version__}"
POLISH = "polished with Newton steps in numpy long double"

# A reference solution is accepted only if the library's own answer agrees with the
# polished one to this relative accuracy (per parameter, relative to max(|value|, 1e-300)).
LIBRARY_AGREEMENT = 1e-7
# ...and the polished solution must be a fixed point of Newton's method to this accuracy.
NEWTON_STEP_TOLERANCE = 1e-13

summary = []


# --------------------------------------------------------------------------------------
# CSV helpers
# --------------------------------------------------------------------------------------

def format_column(values):
    """Text for one column: integers when every value is integral, else repr() floats."""
    values = [float(v) for v in values]
    if all(math.isfinite(v) and v == math.floor(v) and abs(v) < 2**53 for v in values):
        return [str(int(v)) for v in values]
    return [repr(v) for v in values]


def write_table(path, columns):
    """Writes `columns` (a list of (name, values)) as a CSV with a header row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [name for name, _ in columns]
    texts = [format_column(values) for _, values in columns]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for row in zip(*texts):
            writer.writerow(row)


def read_table(path):
    """Reads a numeric CSV back with Python's float(), which is correctly rounded."""
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    return {name: np.array([float(row[j]) for row in body]) for j, name in enumerate(header)}


def write_json(path, payload):
    path.parent.mkdir(parents=True, exist_ok=True)
    # json writes floats with repr(), so doubles round-trip exactly.
    path.write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")


def write_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# --------------------------------------------------------------------------------------
# The objective, in long double
# --------------------------------------------------------------------------------------

def log1pexp(eta):
    """log(1 + exp(eta)) without overflow: max(eta, 0) + log1p(exp(-|eta|))."""
    return np.maximum(eta, 0) + np.log1p(np.exp(-np.abs(eta)))


class Objective:
    """f(theta) = sum s_i [log(1+exp(z_i.theta)) - y_i z_i.theta] + 1/2 sum pen_j theta_j^2.

    `design` already holds the intercept column; `penalty` is lambda for every coefficient
    and 0 for the intercept.
    """

    def __init__(self, design, y, s, penalty):
        self.Z = np.asarray(design, dtype=LD)
        self.y = np.asarray(y, dtype=LD)
        self.s = np.asarray(s, dtype=LD)
        self.pen = np.asarray(penalty, dtype=LD)

    def value(self, theta):
        theta = np.asarray(theta, dtype=LD)
        eta = self.Z @ theta
        return np.sum(self.s * (log1pexp(eta) - self.y * eta)) + np.sum(self.pen * theta**2) / 2

    def gradient(self, theta):
        theta = np.asarray(theta, dtype=LD)
        p = scipy.special.expit(self.Z @ theta)
        return self.Z.T @ (self.s * (p - self.y)) + self.pen * theta

    def hessian(self, theta):
        theta = np.asarray(theta, dtype=LD)
        p = scipy.special.expit(self.Z @ theta)
        h = self.s * p * (1 - p)
        return (self.Z * h[:, None]).T @ self.Z + np.diag(self.pen)

    def newton_step(self, theta):
        """H^-1 g, solved by Cholesky on the diagonally scaled Hessian (scale invariant)."""
        g = self.gradient(theta)
        H = self.hessian(theta).astype(np.float64)
        d = 1 / np.sqrt(np.diag(H))
        factor = scipy.linalg.cho_factor(H * d[:, None] * d[None, :])
        step = d * scipy.linalg.cho_solve(factor, (g * d).astype(np.float64))
        return g, step

    def polish(self, theta, max_steps=8):
        """Newton from `theta` in long double until the step stops changing anything."""
        theta = np.asarray(theta, dtype=LD)
        for _ in range(max_steps):
            _, step = self.newton_step(theta)
            theta = theta - step.astype(LD)
            if np.all(np.abs(step) <= 1e-17 * np.abs(theta.astype(np.float64))):
                break
        return theta


class LogitPenalized(PenalizedMixin, Logit):
    """statsmodels' Logit with a penalty (the pattern of statsmodels' own tests)."""


def check_sklearn_objective(Xsolved, y, s, lam, theta, objective):
    """Checks, with scikit-learn's own loss code, that our objective is sklearn's times C * sum(s).

    sklearn's LinearModelLoss computes (1/sum s) sum s_i loss_i + (l2/2) ||beta||^2 and
    LogisticRegression passes l2 = 1 / (C * sum s); so with lambda = 1/C, sklearn's value and
    gradient times sum(s) must equal ours. Returns the largest discrepancy in the gradient,
    relative to the size of the terms summed, sum_i s_i |z_ij| + lambda |theta_j|.
    """
    theta = np.asarray(theta, dtype=np.float64)
    loss = LinearModelLoss(base_loss=HalfBinomialLoss(), fit_intercept=True)
    coef = np.concatenate([theta[1:], theta[:1]])  # sklearn puts the intercept last
    sw_sum = float(np.sum(s))
    value, grad = loss.loss_gradient(coef, Xsolved, y.astype(np.float64),
                                     sample_weight=np.asarray(s, dtype=np.float64),
                                     l2_reg_strength=lam / sw_sum)
    ours_value = float(objective.value(theta))
    assert abs(value * sw_sum - ours_value) <= 1e-13 * abs(ours_value), (value, ours_value)
    grad = np.concatenate([grad[-1:], grad[:-1]]) * sw_sum
    term_size = np.sum(np.abs(objective.Z.astype(np.float64)) * s[:, None], axis=0)
    term_size += lam * np.abs(theta) * (np.arange(len(theta)) > 0)
    ours = objective.gradient(theta).astype(np.float64)
    return float(np.max(np.abs(grad - ours) / term_size))


def inverse_hessian(H):
    """The inverse of a symmetric positive definite matrix, computed with 40 digits."""
    mpmath.mp.dps = 40
    M = mpmath.matrix([[mpmath.mpf(str(v)) for v in row] for row in np.asarray(H, dtype=LD)])
    inv = M**-1
    return np.array([[float(inv[i, j]) for j in range(M.cols)] for i in range(M.rows)])


def relative_difference(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def weighted_standardization(X, s):
    """Weighted mean and weighted population standard deviation (ddof = 0), two-pass."""
    X = np.asarray(X, dtype=LD)
    s = np.asarray(s, dtype=LD)
    mean = (s @ X) / np.sum(s)
    var = (s @ (X - mean) ** 2) / np.sum(s)
    return mean, np.sqrt(var)


# --------------------------------------------------------------------------------------
# Fitted-model fixtures
# --------------------------------------------------------------------------------------

def fit_fixture(name, description, data_file, label, weight, features, lam, standardize):
    """Fits one case against its reference library, polishes, and writes the JSON."""
    table = read_table(DATA / data_file)
    X = np.column_stack([table[f] for f in features])
    y = table[label]
    n, k = X.shape
    s = table[weight] if weight else np.ones(n)
    assert set(np.unique(y)) == {0.0, 1.0}

    # -- the reference library's solution, in the parametrization it solves -------------
    if standardize:
        mean, scale = weighted_standardization(X, s)
        scaler = StandardScaler().fit(X, sample_weight=s if weight else None)
        assert relative_difference(scaler.mean_, mean) < 1e-12, "StandardScaler mean differs"
        assert relative_difference(scaler.scale_, scale) < 1e-12, "StandardScaler scale differs"
        design = np.column_stack([np.ones(n, dtype=LD), (X.astype(LD) - mean) / scale])
    else:
        mean, scale, scaler = None, None, None
        design = np.column_stack([np.ones(n, dtype=LD), X.astype(LD)])
    penalty = np.array([0.0] + [lam] * k)
    objective = Objective(design, y, s, penalty)

    bse_library = None
    bse_penalized = None
    statsmodels_result = None
    sklearn_note = ""
    Xsolved = scaler.transform(X) if standardize else X
    if lam == 0 and not weight:
        model = sm.Logit(y, sm.add_constant(X, has_constant="add"))
        result = model.fit(method="newton", tol=1e-14, maxiter=200, disp=0)
        library_theta = np.asarray(result.params)
        bse_library = np.asarray(result.bse)
        reference = f"{SM} Logit (method='newton', tol=1e-14)"
        statsmodels_result = result
    elif lam == 0 and weight:
        model = sm.GLM(y, sm.add_constant(X, has_constant="add"),
                       family=sm.families.Binomial(), freq_weights=s)
        result = model.fit(method="newton", tol=1e-14, maxiter=200)
        library_theta = np.asarray(result.params)
        bse_library = np.asarray(result.bse)
        reference = f"{SM} GLM(Binomial, freq_weights=w) (method='newton', tol=1e-14)"
        statsmodels_result = result
    else:
        sample_weight = s if weight else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", scipy.linalg.LinAlgWarning)
            lr = LogisticRegression(C=1 / lam, solver="newton-cholesky", tol=1e-12,
                                    max_iter=1000)
            lr.fit(Xsolved, y, sample_weight=sample_weight)
        sklearn_theta = np.concatenate([lr.intercept_, lr.coef_.ravel()])
        fell_back = any(issubclass(w.category, scipy.linalg.LinAlgWarning) for w in caught)
        reference = (f"{SK} LogisticRegression(C={1 / lam!r}, solver='newton-cholesky', "
                     "tol=1e-12, max_iter=1000)")
        if standardize:
            reference = (f"{SK} StandardScaler().fit(X, sample_weight="
                         f"{'w' if weight else 'None'}) then " + reference[len(SK) + 1:])
        if not fell_back:
            library_theta = sklearn_theta
        else:
            # scikit-learn's Newton solver refuses the raw-scale Hessian (its rcond check
            # sees ~1e-18 because the columns span 1e0..1e9) and falls back to lbfgs, which
            # stops far from the optimum. statsmodels' Newton (np.linalg.solve, no rcond
            # check) on the same penalized objective is used as the library reference.
            assert not standardize and not weight, name
            model = LogitPenalized(y, sm.add_constant(X, has_constant="add"),
                                   penal=L2Penalty(weights=np.r_[0.0, np.ones(k)]),
                                   pen_weight=lam / 2)
            result = model.fit(method="newton", tol=1e-14, maxiter=200, disp=0)
            library_theta = np.asarray(result.params)
            bse_penalized = np.asarray(result.bse)  # from statsmodels' penalized Hessian
            sklearn_gap = (float(objective.value(sklearn_theta)) /
                           float(objective.value(objective.polish(library_theta))) - 1)
            reference = (
                f"{SM} Logit with PenalizedMixin and L2(weights=[0, 1, ...]), "
                f"pen_weight=lambda/2 (statsmodels.base._penalized), method='newton', "
                f"tol=1e-14; the objective equals {SK} LogisticRegression(C={1 / lam!r}) "
                "(checked with sklearn's LinearModelLoss at this solution), but sklearn's "
                "newton-cholesky rejects the raw-scale Hessian as ill-conditioned, falls "
                f"back to lbfgs and stops with an objective {sklearn_gap:.1%} above the "
                "optimum, so it is not the reference")
            sklearn_note = f" sklearn-gap={sklearn_gap:.1%}"

    # -- polish to a Newton fixed point of exactly our objective -------------------------
    theta = objective.polish(library_theta)
    library_agreement = relative_difference(library_theta, theta)
    assert library_agreement < LIBRARY_AGREEMENT, (name, library_agreement)
    theta_double = theta.astype(np.float64)
    gradient, step = objective.newton_step(theta_double)
    max_abs_gradient = float(np.max(np.abs(gradient)))
    newton_decrement = float(math.sqrt(max(float(gradient.astype(np.float64) @ step), 0.0)))
    # |H^-1 g| relative to each parameter: how far the recorded doubles are from the exact
    # minimizer (below ~1e-16 means the rounding to double is the only error left).
    max_relative_step = float(np.max(np.abs(step) / np.abs(theta_double)))
    # The gradient relative to the size of the terms it sums, sum_i s_i |z_ij| + lambda |theta_j|:
    # the raw-scale gradient of a dollar column is large in absolute terms even at the optimum.
    term_size = (np.sum(np.abs(design.astype(np.float64)) * s[:, None], axis=0)
                 + penalty * np.abs(theta_double))
    max_relative_gradient = float(np.max(np.abs(gradient.astype(np.float64)) / term_size))
    assert max_relative_step < NEWTON_STEP_TOLERANCE, (name, max_relative_step)
    if lam > 0:
        sklearn_check = check_sklearn_objective(Xsolved, y, s, lam, theta_double, objective)
        assert sklearn_check < 1e-13, (name, sklearn_check)
        sklearn_note += f" sklearn-grad~{sklearn_check:.0e}"

    # -- back to the raw scale -------------------------------------------------------------
    if standardize:
        beta = theta[1:] / scale
        intercept = theta[0] - np.sum(mean * beta)
        # theta_raw = T theta_std
        T = np.zeros((k + 1, k + 1), dtype=LD)
        T[0, 0] = 1
        T[0, 1:] = -mean / scale
        T[1:, 1:] = np.diag(1 / scale)
    else:
        beta = theta[1:]
        intercept = theta[0]
        T = None
    raw = np.concatenate([[intercept], beta])
    raw_double = raw.astype(np.float64)

    # -- standard errors from the penalized Hessian ----------------------------------------
    cov = inverse_hessian(objective.hessian(theta))
    if standardize:
        cov = np.asarray(T.astype(np.float64) @ cov @ T.T.astype(np.float64))
        # Cross-check: the Hessian of the same objective written on the raw scale, where the
        # penalty is (lambda / 2) * sum (sigma_j beta_j)^2.
        raw_objective = Objective(np.column_stack([np.ones(n), X]), y, s,
                                  np.concatenate([[0], lam * scale**2]))
        cov_direct = inverse_hessian(raw_objective.hessian(raw))
        assert relative_difference(np.diag(cov), np.diag(cov_direct)) < 1e-9, name
    se_formula = np.sqrt(np.diag(cov))
    se_agreement = None
    if bse_library is not None and not weight:
        se_agreement = relative_difference(bse_library, se_formula)
        assert se_agreement < 1e-8, (name, se_agreement)
        standard_errors = bse_library
        se_source = f"standard errors from {SM} (checked against sqrt(diag(H^-1)) to 1e-8)"
    elif bse_library is not None:
        se_agreement = relative_difference(bse_library, se_formula)
        assert se_agreement < 1e-8, (name, se_agreement)
        standard_errors = se_formula
        se_source = ("standard errors sqrt(diag(H^-1)) computed in numpy/mpmath, H the Hessian "
                     f"of the weighted objective; {SM} GLM's bse agree to 1e-8")
    else:
        if bse_penalized is not None:
            se_agreement = relative_difference(bse_penalized, se_formula)
            assert se_agreement < 1e-8, (name, se_agreement)
        standard_errors = se_formula
        se_source = ("standard errors computed in numpy/mpmath as sqrt(diag(H^-1)) of the "
                     "penalized objective's Hessian on the raw scale"
                     + (" (statsmodels' penalized bse agree to 1e-8)"
                        if bse_penalized is not None else ""))

    # -- likelihoods and information criteria on the raw scale, in long double ------------
    raw_design = np.column_stack([np.ones(n, dtype=LD), X.astype(LD)])
    eta = raw_design @ raw_double.astype(LD)
    sl, yl = s.astype(LD), y.astype(LD)
    loglik = -np.sum(sl * (log1pexp(eta) - yl * eta))
    N = np.sum(sl)
    pbar = np.sum(sl * yl) / N
    null_loglik = np.sum(sl * yl) * np.log(pbar) + np.sum(sl * (1 - yl)) * np.log1p(-pbar)
    pen_raw = lam * (scale**2 if standardize else np.ones(k, dtype=LD))
    objective_value = -loglik + np.sum(pen_raw * raw_double[1:].astype(LD) ** 2) / 2
    n_params = k + 1
    aic = -2 * loglik + 2 * n_params
    bic = -2 * loglik + n_params * np.log(N)
    pseudo_r2 = 1 - loglik / null_loglik
    assert abs(float(objective_value) - float(objective.value(theta))) <= 1e-12 * abs(
        float(objective_value)), name

    if statsmodels_result is not None and not weight:
        r = statsmodels_result
        for ours, theirs in [(loglik, r.llf), (null_loglik, r.llnull),
                             (pseudo_r2, r.prsquared), (aic, r.aic), (bic, r.bic)]:
            assert abs(float(ours) - theirs) <= 1e-9 * max(1, abs(theirs)), (name, ours, theirs)
    if statsmodels_result is not None and weight:
        assert abs(float(loglik) - statsmodels_result.llf) <= 1e-9 * abs(float(loglik)), name

    # -- metrics on the fit's own training predictions (double, as the Swift side) -------
    p = scipy.special.expit(sm.add_constant(X, has_constant="add") @ raw_double)
    sw = s if weight else None
    metrics = {
        "auc": float(roc_auc_score(y, p, sample_weight=sw)),
        "logLoss": float(log_loss(y, p, sample_weight=sw)),
        "brier": float(brier_score_loss(y, p, sample_weight=sw)),
    }
    assert abs(metrics["logLoss"] + float(loglik / N)) < 1e-12, name

    payload = {
        "name": name,
        "description": description,
        "reference": f"{reference}; {POLISH}; {se_source}",
        "versions": VERSIONS,
        "data": f"data/{data_file}",
        "label": label,
        "weight": weight,
        "featureNames": list(features),
        "lambda": float(lam),
        "standardize": standardize,
        "intercept": float(raw_double[0]),
        "coefficients": [float(v) for v in raw_double[1:]],
        "standardErrors": {
            "intercept": float(standard_errors[0]),
            "coefficients": [float(v) for v in standard_errors[1:]],
        },
        "objective": float(objective_value),
        "logLikelihood": float(loglik),
        "nullLogLikelihood": float(null_loglik),
        "pseudoR2": float(pseudo_r2),
        "aic": float(aic),
        "bic": float(bic),
        "maxAbsGradient": max_abs_gradient,
        "certificate": {
            "parametrization": "standardized" if standardize else "raw",
            "maxRelativeGradient": max_relative_gradient,
            "newtonDecrement": newton_decrement,
            "maxRelativeNewtonStep": max_relative_step,
            "libraryMaxRelativeDifference": library_agreement,
        },
        "standardization": None if not standardize else {
            "means": [float(v) for v in mean],
            "scales": [float(v) for v in scale],
            "intercept": float(theta[0]),
            "coefficients": [float(v) for v in theta[1:]],
        },
        "metrics": metrics,
    }
    write_json(FIXTURES / f"{name}.json", payload)
    summary.append(
        f"{name:28s} n={n:6d} k={k:2d} lambda={lam:<6g} std={str(standardize):5s} "
        f"ll={float(loglik):.6f} |grad|max={max_abs_gradient:.2e} "
        f"rel-grad={max_relative_gradient:.0e} step={max_relative_step:.0e} "
        f"lib~{library_agreement:.1e}"
        + (f" se~{se_agreement:.1e}" if se_agreement is not None else "") + sklearn_note)


# --------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------

def make_spector():
    # Spector & Mazzeo (1980): does a new teaching method (PSI) improve grades? 32 students;
    # the classic small Logit example, shipped with statsmodels (no network access needed).
    data = sm.datasets.spector.load_pandas().data
    write_table(DATA / "spector_logit.csv", [(c, data[c].to_numpy()) for c in
                                             ["GPA", "TUCE", "PSI", "GRADE"]])


SYNTHETIC_FEATURES = [
    "amount", "annual_revenue", "employees", "days_to_first_touch",
    "bant_budget", "bant_authority", "bant_need", "bant_timeline", "demo_requested",
    "emails_opened", "contacts_engaged", "pricing_page_share", "intent_score",
]


def make_synthetic():
    # 12,000 SQLs with features on very different scales (dollars up to 1e9 next to 0/1
    # flags), as they come out of a CRM without any scaling: a test of the solver's
    # numerical robustness on the raw scale.
    rng = np.random.default_rng(20240611)
    n = 12_000
    revenue = np.round(np.exp(rng.normal(math.log(3e7), 1.2, n)))
    employees = np.maximum(1, np.round(revenue / 2.5e5 * np.exp(rng.normal(0, 0.5, n))))
    amount = np.round(np.exp(math.log(3e4) + 0.3 * np.log(employees / 120)
                             + rng.normal(0, 0.9, n)), 2)
    days = np.round(np.minimum(60, rng.exponential(8, n)), 2)
    budget = rng.binomial(1, 0.5, n)
    authority = rng.binomial(1, 0.4, n)
    need = rng.binomial(1, 0.7, n)
    timeline = rng.binomial(1, 0.45, n)
    demo = rng.binomial(1, 0.3, n)
    emails = rng.poisson(4, n)
    contacts = 1 + rng.poisson(1.5, n)
    share = np.round(rng.beta(2, 5, n), 4)
    intent = np.round(rng.normal(0, 1, n), 6)
    eta = (-3.6 + 0.9 * budget + 0.7 * authority + 0.5 * need + 0.6 * timeline + 0.8 * demo
           + 0.08 * emails + 0.25 * contacts - 0.03 * days + 0.6 * share + 0.4 * intent
           - 1.2e-6 * amount + 1.5e-9 * revenue + 1e-4 * employees)
    y = rng.binomial(1, scipy.special.expit(eta))
    columns = [("y", y)] + list(zip(SYNTHETIC_FEATURES, [
        amount, revenue, employees, days, budget, authority, need, timeline, demo,
        emails, contacts, share, intent]))
    write_table(DATA / "synthetic_logit.csv", columns)


WEIGHTED_FEATURES = ["intent_score", "bant_budget", "contacts_engaged",
                     "pricing_page_share", "amount_k"]


def make_weighted():
    # 3,000 rows with positive, non-integer sample weights (e.g. inverse sampling rates).
    rng = np.random.default_rng(20240612)
    n = 3_000
    intent = np.round(rng.normal(0, 1, n), 6)
    budget = rng.binomial(1, 0.45, n)
    contacts = 1 + rng.poisson(2, n)
    share = np.round(rng.beta(2, 4, n), 4)
    amount_k = np.round(np.exp(rng.normal(math.log(40), 0.8, n)), 3)
    w = np.round(rng.uniform(0.5, 3.0, n), 3)
    eta = (-1.9 + 0.7 * intent + 0.8 * budget + 0.2 * contacts + 0.9 * share
           - 0.004 * amount_k)
    y = rng.binomial(1, scipy.special.expit(eta))
    columns = [("y", y), ("w", w)] + list(zip(WEIGHTED_FEATURES, [
        intent, budget, contacts, share, amount_k]))
    write_table(DATA / "weighted_logit.csv", columns)


def make_metrics_ties():
    # 40 hand-checkable predictions: probabilities on a 0.1 grid (so many ties, which AUC
    # must count as one half), labels, and small weights with one decimal.
    rng = np.random.default_rng(20240613)
    n = 40
    p = np.round(rng.choice(np.arange(1, 10) / 10, n), 1)
    y = rng.binomial(1, p)
    w = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n)
    payload = {
        "name": "metrics_ties",
        "description": "Forty predictions on a 0.1 grid with many tied scores, with labels "
                       "and weights, for AUC, log-loss and Brier score with and without "
                       "sample weights.",
        "reference": f"{SK} sklearn.metrics roc_auc_score, log_loss, brier_score_loss "
                     "(weighted variants with sample_weight=weights)",
        "versions": VERSIONS,
        "labels": [int(v) for v in y],
        "probabilities": [float(v) for v in p],
        "weights": [float(v) for v in w],
        "auc": float(roc_auc_score(y, p)),
        "aucWeighted": float(roc_auc_score(y, p, sample_weight=w)),
        "logLoss": float(log_loss(y, p)),
        "logLossWeighted": float(log_loss(y, p, sample_weight=w)),
        "brier": float(brier_score_loss(y, p)),
        "brierWeighted": float(brier_score_loss(y, p, sample_weight=w)),
    }
    # Independent check of the tie rule: AUC = P(score+ > score-) + 1/2 P(score+ = score-).
    pos, neg = p[y == 1], p[y == 0]
    wp, wn = w[y == 1], w[y == 0]
    greater = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    assert abs(greater.mean() - payload["auc"]) < 1e-15
    assert abs((wp[:, None] * wn[None, :] * greater).sum() / (wp.sum() * wn.sum())
               - payload["aucWeighted"]) < 1e-15
    write_json(FIXTURES / "metrics_ties.json", payload)
    summary.append(f"{'metrics_ties':28s} n={n:6d} positives={int(y.sum())} "
                   f"auc={payload['auc']:.6f} aucWeighted={payload['aucWeighted']:.6f}")


# --------------------------------------------------------------------------------------
# Degenerate inputs: tiny, hand-readable CSVs the trainer and the CSV reader must reject
# or handle explicitly. What each is for is in degenerate/README.md as well.
# --------------------------------------------------------------------------------------

FIXTURES_README = """\
# Reference fixtures

Written by `scripts/make_fixtures.py` (run `python3 scripts/make_fixtures.py` from the
repository root; deterministic). Do not edit by hand: change the script and rerun it.

## Fitted models: `<name>.json` with data in `data/<name>.csv`

The trainer minimizes, over the intercept b (never penalized) and the coefficients beta,

    f(b, beta) = sum_i s_i [log(1 + exp(eta_i)) - y_i eta_i] + (lambda / 2) ||beta||^2,
    eta_i = b + x_i . beta,   s_i = the weight column, or 1.

With `standardize` the features are first centred and scaled by the weighted mean and the
weighted population standard deviation (ddof 0), the penalty applies to the standardized
coefficients gamma_j = sigma_j beta_j, and every number is reported on the raw scale
(beta_j = gamma_j / sigma_j, b = b_std - sum_j mu_j beta_j). lambda = 1 / C of scikit-learn's
LogisticRegression(C).

| Field | Meaning |
|---|---|
| `data`, `label`, `weight`, `featureNames` | CSV path relative to this folder, label column (0/1), weight column or null, feature columns in CSV order |
| `lambda`, `standardize` | the penalty and whether it applies to standardized coefficients |
| `intercept`, `coefficients` | the minimizer on the raw scale (to about 1e-15 relative) |
| `standardErrors` | sqrt(diag(H^-1)), H the Hessian of f (penalized) with respect to the raw parameters |
| `objective` | f at the recorded raw parameters, penalty included |
| `logLikelihood` | sum s_i [y_i log p_i + (1 - y_i) log(1 - p_i)] at the fit (no penalty) |
| `nullLogLikelihood` | the same for the intercept-only MLE, p = weighted mean of y |
| `pseudoR2` | McFadden: 1 - logLikelihood / nullLogLikelihood |
| `aic`, `bic` | -2 ll + 2k and -2 ll + k log(N), k = coefficients + 1, N = sum s_i |
| `maxAbsGradient` | max abs gradient of f at the recorded solution, in the parametrization solved (`certificate.parametrization`), computed in long double |
| `certificate` | `maxRelativeGradient` (the gradient divided by sum_i s_i abs(z_ij) + lambda abs(theta_j), the size of what it sums), `newtonDecrement` sqrt(g' H^-1 g), `maxRelativeNewtonStep` max abs((H^-1 g)_j / theta_j), `libraryMaxRelativeDifference` between the reference library's own answer and the polished one |
| `standardization` | null, or the weighted `means` and `scales` and the solution in the standardized parametrization |
| `metrics` | AUC, mean log-loss and Brier score of the fit on its own training rows (weighted when `weight` is set) |

On the raw scale the gradient of a dollar column (values up to 1e9) is large in absolute
terms even at the exact optimum: rounding a coefficient of 1e-9 to a double moves the
gradient by about 1e-5. `maxRelativeGradient` and `maxRelativeNewtonStep` are the
scale-free certificates.

## `metrics_ties.json`

Labels, probabilities on a 0.1 grid (many ties), weights, and scikit-learn's AUC, log-loss
and Brier score with and without the weights.

## `bank_marketing.json`

Real data: statsmodels' unpenalized Logit on the UCI Bank Marketing file in
`../shared/data/uci_bank_marketing/bank-full.csv` (read in place, never copied here; the
fixture records its SHA-256), without the leaking `duration` column, encoded as
`propensity train` encodes it (numeric columns as they are; categorical ones one-hot with the
most frequent level as reference). `RealDataTests` trains through the command line and
compares; it is skipped when the shared file is absent.

## `degenerate/`

Tiny hand-readable CSVs the trainer and the CSV reader must reject or handle explicitly; see
`degenerate/README.md`.
"""


DEGENERATE_FILES = {}

# Complete separation: won = 1 exactly when x > 5. The maximum-likelihood estimate does not
# exist (|beta| -> infinity); an unpenalized fit must report it, a penalized fit is finite.
DEGENERATE_FILES["separated.csv"] = """\
x,won
1,0
2,0
3,0
4,0
5,0
6,1
7,1
8,1
9,1
10,1
"""

# Quasi-complete separation: x >= 0 implies won = 1; all rows with x < 0 share x = -1 and
# are mixed (3 won, 3 lost). The direction (b, beta) = (1, 1) is >= 0 on every won row and
# <= 0 on every lost row, with equality on the x = -1 rows, so the MLE has beta -> infinity
# while b + beta * (-1) tends to logit(1/2) = 0. (If the negative x were distinct and
# interleaved, the MLE would exist: a single tied value is what makes this quasi-separated.)
DEGENERATE_FILES["quasi_separated.csv"] = """\
x,won
-1,0
-1,1
-1,0
-1,1
-1,0
-1,1
0,1
1,1
2,1
3,1
"""

# Exact collinearity: c = a + 2 * b on every row, so X'WX is singular; unpenalized Cholesky
# must fail with a clear error naming the problem, a penalized fit is still well defined.
DEGENERATE_FILES["collinear.csv"] = """\
a,b,c,won
1,0,1,0
2,1,4,1
0,1,2,0
3,2,7,1
1,3,7,0
2,0,2,1
4,1,6,0
0,2,4,1
3,0,3,1
1,1,3,0
"""

# A constant column: region_code is 7 on every row, so it is collinear with the intercept
# and its standard deviation is 0 (standardization would divide by zero).
DEGENERATE_FILES["constant.csv"] = """\
region_code,x,won
7,0.5,0
7,1.5,1
7,-0.5,0
7,2.0,1
7,1.0,0
7,0.0,1
7,2.5,1
7,-1.0,0
"""

# A single class: no row is won, so nothing can be learned (the MLE intercept is -infinity).
DEGENERATE_FILES["single_class.csv"] = """\
x,z,won
1.0,3,0
2.0,1,0
0.5,4,0
1.5,2,0
3.0,5,0
2.5,0,0
"""

# Fewer rows than parameters: 3 rows, 5 features (6 parameters with the intercept).
DEGENERATE_FILES["few_rows.csv"] = """\
f1,f2,f3,f4,f5,won
1.0,2.0,0,3,0.25,1
0.5,1.0,1,0,0.75,0
2.0,0.0,1,1,0.5,1
"""

# Non-finite values: `inf` in column amount on line 3, `nan` in column x on line 5 (line 1
# is the header). Both must be rejected with the column and line named.
DEGENERATE_FILES["nonfinite.csv"] = """\
amount,x,won
1200.0,0.5,0
inf,1.0,1
3400.0,1.5,0
2100.0,nan,1
1800.0,0.0,0
"""

# A ragged row: line 4 (data row 3) has two fields where the header has three.
DEGENERATE_FILES["ragged.csv"] = """\
amount,x,won
1200.0,0.5,0
3400.0,1.5,1
2100.0,1
1800.0,0.0,0
"""

# A number that is not one: data row 5 (line 6) holds the quoted text "12,5O0" (a comma and
# a capital letter O) in column amount. The expected error reads like
# "Column `amount` on line 6 of bad_number.csv is not a number: `12,5O0`."
DEGENERATE_FILES["bad_number.csv"] = """\
amount,x,won
1200.0,0.5,0
3400.0,1.5,1
2100.0,1.0,1
1800.0,0.0,0
"12,5O0",2.0,1
950.0,0.25,0
"""

DEGENERATE_README = """\
# Degenerate inputs

Tiny, hand-readable CSVs written by `scripts/make_fixtures.py`. Line numbers are 1-based and
count the header as line 1. The label column is `won` (0/1) in every file.

| File | What it is | What the code must do |
|---|---|---|
| `separated.csv` | won = 1 exactly when x > 5 (complete separation) | unpenalized: report that the MLE does not exist (coefficients diverge); penalized: finite fit |
| `quasi_separated.csv` | x >= 0 implies won = 1; the x < 0 rows all have x = -1 and are mixed | unpenalized: report quasi-complete separation (beta -> infinity); penalized: finite fit |
| `collinear.csv` | c = a + 2b on every row | unpenalized: singular Hessian reported as an error; penalized: finite fit |
| `constant.csv` | `region_code` is 7 on every row | constant column reported (collinear with the intercept; zero standard deviation) |
| `single_class.csv` | every row has won = 0 | rejected: both classes are needed |
| `few_rows.csv` | 3 rows, 5 features (6 parameters) | rejected or penalized only: fewer rows than parameters |
| `nonfinite.csv` | `inf` in `amount` on line 3, `nan` in `x` on line 5 | rejected, naming the column and the line |
| `ragged.csv` | line 4 has 2 fields, the header has 3 | rejected, naming the line and the field counts |
| `bad_number.csv` | line 6 holds the quoted text `12,5O0` in `amount` | rejected: "Column `amount` on line 6 of bad_number.csv is not a number: `12,5O0`." |
"""


def make_degenerate():
    for file_name, text in DEGENERATE_FILES.items():
        write_text(DEGENERATE / file_name, text)
    write_text(DEGENERATE / "README.md", DEGENERATE_README)
    # Sanity checks that the files say what the comments say.
    sep = read_table(DEGENERATE / "separated.csv")
    assert np.all((sep["x"] > 5) == (sep["won"] == 1))
    quasi = read_table(DEGENERATE / "quasi_separated.csv")
    assert np.all(quasi["won"][quasi["x"] >= 0] == 1)
    assert set(quasi["won"][quasi["x"] < 0]) == {0.0, 1.0}
    col = read_table(DEGENERATE / "collinear.csv")
    assert np.all(col["c"] == col["a"] + 2 * col["b"]) and set(col["won"]) == {0.0, 1.0}
    assert set(read_table(DEGENERATE / "constant.csv")["region_code"]) == {7.0}
    assert set(read_table(DEGENERATE / "single_class.csv")["won"]) == {0.0}
    few = read_table(DEGENERATE / "few_rows.csv")
    assert len(few["won"]) == 3 and len(few) == 6
    with (DEGENERATE / "bad_number.csv").open(newline="") as handle:
        assert list(csv.reader(handle))[5][0] == "12,5O0"
    with (DEGENERATE / "ragged.csv").open(newline="") as handle:
        assert [len(r) for r in csv.reader(handle)] == [3, 3, 3, 2, 3]
    summary.append(f"{'degenerate/':28s} {len(DEGENERATE_FILES)} CSVs + README.md")


# --------------------------------------------------------------------------------------
# Real data: UCI Bank Marketing (read in place from ../shared/data, never copied here)
# --------------------------------------------------------------------------------------

BANK_DATA = "../shared/data/uci_bank_marketing/bank-full.csv"  # relative to the repo root
BANK_NUMERIC = ["age", "balance", "day", "campaign", "pdays", "previous"]


def swift_double(text):
    """float(text) where Swift's Double(String) also accepts it, else None.

    Python's float() additionally accepts surrounding whitespace and digit separators ("1_0");
    Swift does not. (Hexadecimal floats, which Swift accepts and float() does not, do not
    occur in the bank data; the numeric-column check below would catch a surprise.)
    """
    if text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def encode_flat_table(path, label, exclude):
    """The CLI's encoding of a flat CSV (Sources/Features/FlatTable*.swift), in Python.

    Header names trimmed of ASCII whitespace; a column is numeric when more than half of its
    non-empty cells parse as numbers; a categorical column is one-hot with the most frequent
    level as reference (ties: the smallest level), one `column=level` feature per other level
    in sorted order (Unicode scalar order, Python's default for str); features in CSV column
    order, each categorical expanded in place. Returns (feature names, X, label texts,
    numeric column names, the rows-by-level reference map).
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = [name.strip(" \t\r\n") for name in rows[0]]
    body = rows[1:]
    assert all(len(row) == len(header) for row in body), "ragged bank CSV"
    columns = {name: [row[j] for row in body] for j, name in enumerate(header)}
    names, blocks, numeric, references = [], [], [], {}
    for name in header:
        if name == label or name in exclude:
            continue
        values = columns[name]
        non_empty = [v for v in values if v != ""]
        parsed = [swift_double(v) for v in non_empty]
        if non_empty and 2 * sum(v is not None for v in parsed) > len(non_empty):
            assert len(non_empty) == len(values) and all(
                v is not None and math.isfinite(v) for v in parsed), name
            numeric.append(name)
            names.append(name)
            blocks.append(np.array(parsed)[:, None])
        else:
            levels = ["(missing)" if v == "" else v for v in values]
            counts = {}
            for v in levels:
                counts[v] = counts.get(v, 0) + 1
            reference = min(counts, key=lambda v: (-counts[v], v))
            others = sorted(v for v in counts if v != reference)
            references[name] = reference
            names.extend(f"{name}={v}" for v in others)
            blocks.append(np.array([[1.0 if v == o else 0.0 for o in others] for v in levels]))
    return names, np.hstack(blocks), columns[label], numeric, references


def make_bank_marketing():
    path = ROOT / BANK_DATA
    if not path.exists():
        print(f"Note: {BANK_DATA} not found; skipping bank_marketing.json (the real-data "
              "test skips itself too).")
        return
    import hashlib
    features, X, label_text, numeric, references = encode_flat_table(path, "y", {"duration"})
    assert numeric == BANK_NUMERIC, numeric
    assert set(label_text) == {"yes", "no"}
    y = np.array([1.0 if v == "yes" else 0.0 for v in label_text])
    n, k = X.shape
    assert n == 45_211, n

    # -- statsmodels' unpenalized Logit, then Newton polish in long double ---------------
    result = sm.Logit(y, sm.add_constant(X, has_constant="add")).fit(
        method="newton", tol=1e-14, maxiter=200, disp=0)
    assert result.mle_retvals["converged"], result.mle_retvals
    library_theta = np.asarray(result.params)
    design = np.column_stack([np.ones(n, dtype=LD), X.astype(LD)])
    objective = Objective(design, y, np.ones(n), np.zeros(k + 1))
    theta = objective.polish(library_theta)
    library_agreement = relative_difference(library_theta, theta)
    assert library_agreement < LIBRARY_AGREEMENT, library_agreement
    theta_double = theta.astype(np.float64)
    gradient, step = objective.newton_step(theta_double)
    max_relative_step = float(np.max(np.abs(step) / np.abs(theta_double)))
    assert max_relative_step < NEWTON_STEP_TOLERANCE, max_relative_step
    term_size = np.sum(np.abs(design.astype(np.float64)), axis=0)
    max_relative_gradient = float(np.max(np.abs(gradient.astype(np.float64)) / term_size))

    # -- standard errors: statsmodels, checked against sqrt(diag(H^-1)) at the polished fit
    standard_errors = np.asarray(result.bse)
    se_formula = np.sqrt(np.diag(inverse_hessian(objective.hessian(theta))))
    se_agreement = relative_difference(standard_errors, se_formula)
    assert se_agreement < 1e-8, se_agreement

    # -- likelihoods in long double at the recorded doubles, checked against statsmodels
    eta = design @ theta_double.astype(LD)
    loglik = -np.sum(log1pexp(eta) - y.astype(LD) * eta)
    pbar = LD(np.sum(y)) / n
    null_loglik = np.sum(y) * np.log(pbar) + (n - np.sum(y)) * np.log1p(-pbar)
    aic = -2 * loglik + 2 * (k + 1)
    bic = -2 * loglik + (k + 1) * np.log(LD(n))
    for ours, theirs in [(loglik, result.llf), (null_loglik, result.llnull),
                         (aic, result.aic), (bic, result.bic)]:
        assert abs(float(ours) - theirs) <= 1e-9 * abs(theirs), (ours, theirs)

    # Population standard deviation (ddof 0) of every feature column, so a test can compare
    # coefficients per standard deviation (balance is in euros up to 1e5: its raw
    # coefficient is ~1e-5, below what an absolute 1e-6 check can see).
    _, scale = weighted_standardization(X, np.ones(n))

    payload = {
        "name": "bank_marketing",
        "description": "UCI Bank Marketing (bank-full.csv, 45,211 calls): y = yes on every "
                       "column but the leaky `duration`, encoded as the CLI encodes it (6 "
                       "numeric columns; categorical columns one-hot with the most frequent "
                       "level as reference), unpenalized.",
        "reference": (f"{SM} Logit (method='newton', tol=1e-14) on the design built by "
                      "encode_flat_table() in scripts/make_fixtures.py; " + POLISH
                      + f"; standard errors from {SM} (checked against sqrt(diag(H^-1)) to "
                      "1e-8)"),
        "versions": VERSIONS,
        "data": BANK_DATA,
        "dataSHA256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "observations": n,
        "label": "y",
        "positive": "yes",
        "exclude": ["duration"],
        "numericColumns": numeric,
        "referenceLevels": references,
        "featureNames": features,
        "featureStandardDeviations": [float(v) for v in scale],
        "intercept": float(theta_double[0]),
        "coefficients": [float(v) for v in theta_double[1:]],
        "standardErrors": {
            "intercept": float(standard_errors[0]),
            "coefficients": [float(v) for v in standard_errors[1:]],
        },
        "logLikelihood": float(loglik),
        "nullLogLikelihood": float(null_loglik),
        "aic": float(aic),
        "bic": float(bic),
        "certificate": {
            "maxRelativeGradient": max_relative_gradient,
            "maxRelativeNewtonStep": max_relative_step,
            "libraryMaxRelativeDifference": library_agreement,
            "standardErrorMaxRelativeDifference": se_agreement,
        },
    }
    write_json(FIXTURES / "bank_marketing.json", payload)
    summary.append(
        f"{'bank_marketing':28s} n={n:6d} k={k:2d} ll={float(loglik):.6f} "
        f"rel-grad={max_relative_gradient:.0e} step={max_relative_step:.0e} "
        f"lib~{library_agreement:.1e} se~{se_agreement:.1e}")


# --------------------------------------------------------------------------------------

def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    write_text(FIXTURES / "README.md", FIXTURES_README)
    make_spector()
    make_synthetic()
    make_weighted()

    fit_fixture("spector_logit",
                "Spector and Mazzeo's 32 students: GRADE on GPA, TUCE and PSI, unpenalized.",
                "spector_logit.csv", "GRADE", None, ["GPA", "TUCE", "PSI"], 0.0, False)
    fit_fixture("synthetic_logit",
                "12,000 synthetic SQLs with 13 raw-scale CRM features (dollars up to 1e9 "
                "next to 0/1 flags), unpenalized.",
                "synthetic_logit.csv", "y", None, SYNTHETIC_FEATURES, 0.0, False)
    fit_fixture("synthetic_l2_c1",
                "The synthetic SQLs with an L2 penalty lambda = 1 (C = 1) on the raw "
                "coefficients.",
                "synthetic_logit.csv", "y", None, SYNTHETIC_FEATURES, 1.0, False)
    fit_fixture("synthetic_l2_c001",
                "The synthetic SQLs with an L2 penalty lambda = 100 (C = 0.01) on the raw "
                "coefficients.",
                "synthetic_logit.csv", "y", None, SYNTHETIC_FEATURES, 100.0, False)
    fit_fixture("synthetic_l2_standardized",
                "The synthetic SQLs standardized, with an L2 penalty lambda = 10 on the "
                "standardized coefficients, reported on the raw scale.",
                "synthetic_logit.csv", "y", None, SYNTHETIC_FEATURES, 10.0, True)
    fit_fixture("weighted_logit",
                "3,000 rows with non-integer sample weights w in [0.5, 3], unpenalized.",
                "weighted_logit.csv", "y", "w", WEIGHTED_FEATURES, 0.0, False)
    fit_fixture("weighted_l2",
                "The weighted rows standardized by weighted mean and weighted population "
                "standard deviation, with lambda = 2 on the standardized coefficients.",
                "weighted_logit.csv", "y", "w", WEIGHTED_FEATURES, 2.0, True)
    make_metrics_ties()
    make_degenerate()
    make_bank_marketing()

    print(f"Fixtures written to {FIXTURES.relative_to(ROOT)}/ with "
          f"scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__}, "
          f"numpy {np.__version__}, Python {platform.python_version()}")
    for line in summary:
        print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
