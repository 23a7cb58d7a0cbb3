#!/usr/bin/env python3
"""Side-by-side timing of Propensity's regularization path and scikit-learn's L1 solvers.

One seeded data set (the generator of compare_sklearn.py: standardized columns, about 30%
positives), one grid of penalties from λ_max down to --min-ratio·λ_max, and, in interleaved
rounds on the same machine state:

* ours: `fit-timer --path` (built once, in release), one child process per run, with
  `--threads 1` and `--threads 2`: `RegularizationPath.fit` over the grid, warm-started,
  at the trainer's default tolerance (KKT violation ≤ 1e-10·n);
* scikit-learn `LogisticRegression(C=1/λ, l1_ratio=α, solver="saga")` over the same grid,
  largest penalty first, with `warm_start=True` so that it too walks a path;
* for the lasso (α = 1), scikit-learn `solver="liblinear"` over the grid (it has no warm
  start). liblinear penalizes the intercept as a feature; `intercept_scaling=1e4` makes that
  penalty small, and the objectives below are computed without it (what is left of it can
  leave a floor under liblinear's gap: the tolerance ladder then stops at the plateau and the
  gap reached is printed).

Both minimize Σᵢ [log(1 + exp(ηᵢ)) − yᵢηᵢ] + λ(α‖β‖₁ + (1−α)/2‖β‖²) at each λ (scikit-learn
divides it by C). scikit-learn's `tol` is tightened until its objective at every grid point
is within --target-gap (relative) of ours, and the loosest tolerance that gets there is
timed; the achieved gaps are reported. Every objective is recomputed here from the
coefficients with one formula.

    python3 compare_path.py                                   # 50,000 × 40, lasso, 3 rounds
    python3 compare_path.py --alpha 0.5 --rows 100000 --repeats 5
    python3 compare_path.py --rows 20000 --columns 1000 --min-ratio 0.05 --repeats 1 --ours-only
    python3 compare_path.py --rows 20000 --columns 1000 --min-ratio 0.05 --repeats 1 --ours-only --hessian-free-width 999
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare_sklearn import build_timer, generate  # noqa: E402

TOLERANCE_LADDER = [10.0 ** -k for k in range(3, 15)]


def objective(x, y, intercept, coefficients, lam, alpha):
    eta = x @ np.asarray(coefficients) + intercept
    beta = np.asarray(coefficients)
    penalty = lam * (alpha * np.sum(np.abs(beta)) + 0.5 * (1 - alpha) * np.dot(beta, beta))
    return float(np.sum(np.logaddexp(0, eta) - y * eta) + penalty)


def grid(x, y, alpha, points, min_ratio):
    rate = y.mean()
    lam_max = float(np.max(np.abs(x.T @ (rate - y))) / max(alpha, 1e-3))
    return [lam_max * min_ratio ** (k / (points - 1)) for k in range(points)]


def run_ours(timer, path, args, lambdas, threads):
    out = subprocess.run([timer, path, "--rows", str(args.rows), "--columns", str(args.columns), "--l1-ratio",
                          repr(args.alpha), "--path", ",".join(repr(v) for v in lambdas), "--threads", str(threads),
                          "--repeats", "1", "--hessian-free-width", str(args.hessian_free_width)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run_sklearn(x, y, lambdas, alpha, solver, tol):
    """Fits the grid in order; returns the seconds and each point's (intercept, coefficients)."""
    fits = []
    start = time.perf_counter()
    if solver == "saga":
        model = LogisticRegression(l1_ratio=alpha, solver="saga", tol=tol, max_iter=100_000, warm_start=True)
        for lam in lambdas:
            model.set_params(C=1 / lam)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x, y)
            fits.append((float(model.intercept_[0]), model.coef_[0].copy()))
    else:
        for lam in lambdas:
            model = LogisticRegression(C=1 / lam, l1_ratio=1.0, solver="liblinear", tol=tol, max_iter=100_000,
                                       intercept_scaling=1e4)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x, y)
            fits.append((float(model.intercept_[0]), model.coef_[0].copy()))
    return time.perf_counter() - start, fits


def worst_gap(x, y, lambdas, alpha, fits, reference):
    return max((objective(x, y, b, beta, lam, alpha) - ref) / abs(ref)
               for lam, (b, beta), ref in zip(lambdas, fits, reference))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--alpha", type=float, default=1.0, help="the L1 share α (l1_ratio); default 1, the lasso")
    parser.add_argument("--points", type=int, default=20, help="penalties on the grid; default 20")
    parser.add_argument("--min-ratio", type=float, default=0.01, help="the grid's bottom as a share of λ_max")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved timed rounds; medians are reported")
    parser.add_argument("--target-gap", type=float, default=1e-8,
                        help="scikit-learn's objective must be within this of ours at every point")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hessian-free-width", type=int, default=1000,
                        help="our fits go without the Hessian (OWL-QN) above this many columns; default 1000, the trainer's")
    parser.add_argument("--ours-only", action="store_true",
                        help="time our path alone (for shapes where scikit-learn would take too long)")
    args = parser.parse_args()

    timer = build_timer()
    x, y = generate(args.rows, args.columns, args.seed)
    lambdas = grid(x, y, args.alpha, args.points, args.min_ratio)
    solvers = [] if args.ours_only else ["saga"] + (["liblinear"] if args.alpha == 1 else [])
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "data.f64")
        np.concatenate([x.ravel(), y]).astype("<f8").tofile(path)
        reference = run_ours(timer, path, args, lambdas, 2)
        ours_objectives = [objective(x, y, p["intercept"], p["coefficients"], p["lambda"], args.alpha)
                           for p in reference["points"]]
        ours_gap = max(abs(a - p["objective"]) / abs(p["objective"]) for a, p in zip(ours_objectives, reference["points"]))

        # The loosest tolerance at which each solver reaches the target gap everywhere (not timed).
        tolerances, gaps = {}, {}
        # A solver whose gap stops shrinking (liblinear, whose intercept penalty leaves a floor)
        # is timed at the first tolerance of its plateau, and its gap is reported as reached.
        for solver in solvers:
            history = []
            for tol in TOLERANCE_LADDER:
                seconds, fits = run_sklearn(x, y, lambdas, args.alpha, solver, tol)
                gap = worst_gap(x, y, lambdas, args.alpha, fits, ours_objectives)
                print(f"  {solver} tol={tol:.0e}: worst gap {gap:.1e} in {seconds:.2f} s", file=sys.stderr, flush=True)
                history.append((tol, gap))
                if gap <= args.target_gap:
                    break
                if len(history) >= 3 and history[-3][1] <= 1.5 * gap:
                    history = history[:-2]
                    break
            tolerances[solver], gaps[solver] = history[-1]

        times = {"ours, 1 thread": [], "ours, 2 threads": []} | {solver: [] for solver in solvers}
        for _ in range(args.repeats):
            times["ours, 1 thread"].append(run_ours(timer, path, args, lambdas, 1)["seconds"])
            times["ours, 2 threads"].append(run_ours(timer, path, args, lambdas, 2)["seconds"])
            for solver in solvers:
                seconds, _ = run_sklearn(x, y, lambdas, args.alpha, solver, tolerances[solver])
                times[solver].append(seconds)

    medians = {name: statistics.median(values) for name, values in times.items()}
    kept = [p["nonzero"] for p in reference["points"]]
    print(f"{args.rows:,} rows × {args.columns} columns, α = {args.alpha:g}, {args.points} penalties from "
          f"λ_max = {reference['lambdaMax']:.6g} down to {args.min_ratio:g}·λ_max ({kept[0]} to {kept[-1]} columns kept); "
          f"scikit-learn {sklearn.__version__}, medians of {args.repeats}")
    print(f"ours: largest KKT violation {max(p['kktViolation'] for p in reference['points']):.2e}, "
          f"objective recomputed here to {ours_gap:.1e}")
    print(f"{'path fit':<22}{'seconds':>10}{'sklearn / ours (2 threads)':>30}{'tol':>10}{'worst gap':>12}")
    for name, seconds in medians.items():
        ratio = seconds / medians["ours, 2 threads"]
        extra = f"{tolerances[name]:>10.0e}{gaps[name]:>12.1e}" if name in tolerances else ""
        print(f"{name:<22}{seconds:>10.3f}{ratio:>30.2f}{extra}")


if __name__ == "__main__":
    main()
