#!/usr/bin/env python3
"""Side-by-side timing of Propensity's trainer and scikit-learn's LogisticRegression.

For each shape the script generates seeded synthetic data, writes it to a raw float64 file,
and then, in interleaved rounds on the same machine state, times:

* ours: the `fit-timer` executable of this package (built once, in release), one child
  process per run, with `--threads 1` and `--threads 2` (pass threads, each calling
  single-threaded BLAS, as `propensity train --threads`); each run is TrainingData validation
  plus the full fit, standard errors included (`standardize=false`, λ = --l2);
* scikit-learn `LogisticRegression(C=1/λ, solver="lbfgs")` and `solver="newton-cholesky"`,
  in this process, with numpy/scipy's own OpenBLAS at its default thread count.

With `standardize=false` and λ = 1/C both minimize the same objective,
Σᵢ [log(1 + exp(ηᵢ)) − yᵢηᵢ] + (λ/2)‖β‖² with the intercept unpenalized (scikit-learn
minimizes it divided by C·n). The generator draws columns on mixed scales and then
standardizes them, so that lbfgs, which has no preconditioning, is not handicapped by raw
units. scikit-learn's `tol` is tightened, per solver and shape, until its objective is within
--target-gap (relative) of ours; every objective is recomputed here from the coefficients
with one formula, and the achieved gaps are reported. With `--tolerance loosest`, our
trainer is held to the same rule: the reference is our fit at 1e-10, and our tolerance is
the loosest of the same ladder whose objective is within --target-gap of it.

    python3 compare_sklearn.py                          # all four shapes, 3 rounds
    python3 compare_sklearn.py --shapes 100000x32,1000000x32 --repeats 5
    python3 compare_sklearn.py --shapes 1000000x128 --tolerance 1e-6    # a looser trainer
    python3 compare_sklearn.py --tolerance loosest      # both sides at their loosest tolerance
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
from datetime import datetime, timezone

import numpy as np
import sklearn
import threadpoolctl
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHAPES = "100000x32,100000x128,1000000x32,1000000x128"
# Looser first: the loosest tolerance that reaches the target gap is the fairest to sklearn.
TOLERANCE_LADDER = [10.0 ** -k for k in range(4, 15)]


def tolerance_option(text):
    if text == "loosest":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'loosest', not {text!r}")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number or 'loosest', not {text!r}")
    return value


def parse_shapes(text):
    shapes = []
    for item in text.split(","):
        rows, columns = item.lower().split("x")
        shapes.append((int(rows), int(columns)))
    return shapes


def generate(rows, columns, seed):
    """Seeded data like Sources/BenchmarkSupport/SyntheticLeads.swift, then standardized.

    Columns on scales 1e-3 … 1e3 with neighbouring columns mildly correlated, every eighth a
    0/1 flag with rate 0.3; labels from a logistic model with a linear predictor of standard
    deviation about 1.5 and about 30% positives (overlapping classes: never separable).
    Returns C-contiguous float64 X (standardized columns) and y.
    """
    rng = np.random.default_rng([seed, rows, columns])
    scales = 10.0 ** (np.arange(columns) % 7 - 3)
    means = scales * rng.uniform(-2, 2, columns)
    gamma = 1.5 / np.sqrt(columns) * rng.standard_normal(columns)
    intercept = np.log(0.3 / 0.7) * np.sqrt(1 + np.pi * 1.5**2 / 8)
    x = rng.standard_normal((rows, columns))
    spare = rng.standard_normal(rows)
    flags = np.arange(columns) % 8 == 7
    eta = np.full(rows, intercept)
    # Mix right to left so each column still sees its unmixed left neighbour.
    for j in range(columns - 1, -1, -1):
        if flags[j]:
            flag = (rng.random(rows) < 0.3).astype(np.float64)
            standard = (flag - 0.3) / np.sqrt(0.21)
            x[:, j] = flag
        else:
            previous = spare if j == 0 else x[:, j - 1]
            standard = (x[:, j] + 0.3 * previous) / np.sqrt(1.09)
            x[:, j] = means[j] + scales[j] * standard
        eta += gamma[j] * standard
    y = (rng.random(rows) < 1 / (1 + np.exp(-eta))).astype(np.float64)
    # Standardize in the generator: features reach both trainers already on unit scale.
    x -= x.mean(axis=0)
    x /= x.std(axis=0)
    return np.ascontiguousarray(x), y


def objective(x, y, intercept, coefficients, l2):
    """Σ log(1 + exp(η)) − yη + (λ/2)‖β‖², η = b + Xβ, in our scale (not divided by C·n)."""
    eta = x @ np.asarray(coefficients) + intercept
    return float(np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * l2 * np.dot(coefficients, coefficients))


def build_timer():
    subprocess.run(["swift", "build", "-c", "release", "--product", "fit-timer"], cwd=HERE, check=True)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=HERE,
                              check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_path, "fit-timer")


def run_ours(timer, path, rows, columns, args, threads, tolerance):
    out = subprocess.run([timer, path, "--rows", str(rows), "--columns", str(columns), "--l2", repr(args.l2),
                          "--tolerance", repr(tolerance), "--repeats", "1", "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    assert report["threads"] == threads, f"fit-timer ran with {report['threads']} threads, not {threads}"
    return report


def run_sklearn(x, y, l2, solver, tol):
    model = LogisticRegression(C=1 / l2, solver=solver, tol=tol, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - start
    return seconds, float(model.intercept_[0]), model.coef_[0].copy(), int(model.n_iter_[0])


def loosest_tolerance(name, fit, target_gap):
    """The loosest tolerance of the ladder at which `fit` reaches `target_gap`, and its gap.

    `fit(tol)` returns the relative objective gap and a description of the run, or None when
    the run did not converge; every run is printed.
    """
    for tol in TOLERANCE_LADDER:
        result = fit(tol)
        if result is None:
            continue
        g, detail = result
        print(f"  {name} tol={tol:.0e}: gap {g:+.1e}, {detail}", flush=True)
        if g <= target_gap:
            return tol, g
    raise SystemExit(f"{name} did not reach a relative gap of {target_gap} at any tolerance")


def gap(value, reference):
    return (value - reference) / abs(reference)


def compare_shape(timer, rows, columns, args, workdir):
    print(f"\n== {rows}×{columns} ==", flush=True)
    start = time.perf_counter()
    x, y = generate(rows, columns, args.seed)
    path = os.path.join(workdir, f"leads_{rows}x{columns}.f64")
    with open(path, "wb") as f:
        x.astype("<f8", copy=False).tofile(f)
        y.astype("<f8", copy=False).tofile(f)
    print(f"generated and wrote {path} in {time.perf_counter() - start:.1f} s; positives {y.mean():.3f}", flush=True)

    # Our reference objective (also warms the page cache and the binary).
    loosest = args.tolerance == "loosest"
    ref = run_ours(timer, path, rows, columns, args, 2, 1e-10 if loosest else args.tolerance)
    reference = objective(x, y, ref["intercept"], ref["coefficients"], args.l2)
    self_check = gap(ref["objective"], reference)
    print(f"ours: objective {reference:.10g} ({ref['iterations']} Newton steps, converged {ref['converged']}); "
          f"our own value differs by {self_check:.1e}", flush=True)
    ours_tolerance, ours_gap = args.tolerance, 0.0
    if loosest:
        # The same rule as sklearn's below.
        def fit_ours(tol):
            report = run_ours(timer, path, rows, columns, args, 2, tol)
            g = gap(objective(x, y, report["intercept"], report["coefficients"], args.l2), reference)
            return g, f"{report['iterations']} Newton steps"
        ours_tolerance, ours_gap = loosest_tolerance("ours", fit_ours, args.target_gap)

    # The loosest sklearn tolerance that reaches the target gap.
    tolerances = {}
    for solver in ("lbfgs", "newton-cholesky"):
        def fit_sklearn(tol):
            try:
                seconds, b, beta, iterations = run_sklearn(x, y, args.l2, solver, tol)
            except ConvergenceWarning:
                return None
            return gap(objective(x, y, b, beta, args.l2), reference), f"{iterations} iterations, {seconds:.2f} s"
        tolerances[solver], _ = loosest_tolerance(solver, fit_sklearn, args.target_gap)

    runs = {"ours1": [], "ours2": [], "lbfgs": [], "newton-cholesky": []}
    gaps = {"lbfgs": [], "newton-cholesky": []}
    iterations = {"lbfgs": None, "newton-cholesky": None}
    order = list(runs)
    for r in range(args.repeats):
        # Rotate the order so that no contender always runs right after another.
        for name in order[r % len(order):] + order[:r % len(order)]:
            # Let the last contender's idle BLAS and OpenMP threads stop spinning first: they
            # would take a core from whichever runs next.
            time.sleep(args.pause)
            if name.startswith("ours"):
                report = run_ours(timer, path, rows, columns, args, int(name[-1]), ours_tolerance)
                runs[name].append(report["seconds"])
                ours_iterations = report["iterations"]
            else:
                seconds, b, beta, iterations[name] = run_sklearn(x, y, args.l2, name, tolerances[name])
                runs[name].append(seconds)
                gaps[name].append(gap(objective(x, y, b, beta, args.l2), reference))
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in runs.items()), flush=True)
    os.remove(path)

    medians = {k: statistics.median(v) for k, v in runs.items()}
    best = min(("lbfgs", "newton-cholesky"), key=lambda k: medians[k])
    return {
        "rows": rows, "columns": columns, "medians": medians, "runs": runs,
        "ours_iterations": ours_iterations, "ours_objective": reference, "ours_self_check": self_check,
        "ours_tolerance": ours_tolerance, "ours_gap": ours_gap,
        "sklearn_iterations": iterations, "tolerances": tolerances,
        "worst_gaps": {k: max(v) for k, v in gaps.items()}, "best_sklearn": best,
        "ratio_two_threads": medians["ours2"] / medians[best],
        "ratio_one_thread": medians["ours1"] / medians[best],
    }


def short(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def print_table(results, args):
    print()
    print(f"λ = {args.l2} (C = {1 / args.l2:g}), standardize=false on standardized features; our tolerance {args.tolerance}; "
          f"median of {args.repeats} interleaved rounds, {args.pause:g} s apart; seconds per fit")
    header = ("| shape | ours 1 thr | ours 2 thr | ours (tol, steps) | sklearn lbfgs (tol, iters) "
              "| newton-cholesky (tol, iters) | ours 2 thr / best | ours 1 thr / best | gap lbfgs | gap newton-chol |")
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        m, t, it, g = r["medians"], r["tolerances"], r["sklearn_iterations"], r["worst_gaps"]
        print(f"| {short(r['rows'])}×{r['columns']} | {m['ours1']:.3f} | {m['ours2']:.3f} "
              f"| ({r['ours_tolerance']:.0e}, {r['ours_iterations']}) "
              f"| {m['lbfgs']:.3f} ({t['lbfgs']:.0e}, {it['lbfgs']}) "
              f"| {m['newton-cholesky']:.3f} ({t['newton-cholesky']:.0e}, {it['newton-cholesky']}) "
              f"| {r['ratio_two_threads']:.2f} ({r['best_sklearn']}) | {r['ratio_one_thread']:.2f} "
              f"| {g['lbfgs']:+.1e} | {g['newton-cholesky']:+.1e} |")
    print("gap = (sklearn objective − ours) / ours, worst over the timed rounds; negative means sklearn's is lower.")
    if args.tolerance == "loosest":
        print("ours at its loosest tolerance, gap to our 1e-10 fit: "
              + ", ".join(f"{short(r['rows'])}×{r['columns']} {r['ours_gap']:+.1e}" for r in results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default=DEFAULT_SHAPES, help=f"comma-separated ROWSxCOLUMNS (default {DEFAULT_SHAPES})")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved timed rounds per shape (default 3)")
    parser.add_argument("--l2", type=float, default=1.0, help="the penalty λ = 1/C (default 1)")
    parser.add_argument("--tolerance", type=tolerance_option, default=1e-10,
                        help="our trainer's gradient tolerance (default 1e-10, the trainer's default), or "
                             "'loosest': the loosest of sklearn's ladder that reaches --target-gap of our 1e-10 fit")
    parser.add_argument("--seed", type=int, default=20251123, help="the data seed (default 20251123)")
    parser.add_argument("--target-gap", type=float, default=1e-8,
                        help="largest relative objective gap sklearn (and, with --tolerance loosest, ours) "
                             "must reach (default 1e-8)")
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds to wait before each timed run, so that no contender's spinning threads "
                             "slow the next (default 1)")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not args.pause >= 0:
        parser.error("--pause must be a number of seconds ≥ 0")

    started = time.perf_counter()
    timer = build_timer()
    blas = [(i["prefix"], i["version"], i.get("architecture"), i["num_threads"])
            for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; sklearn {sklearn.__version__}, numpy {np.__version__}; "
          f"sklearn's BLAS: {blas}; fit-timer: {timer}; load average {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="propensity-compare-") as workdir:
        for rows, columns in parse_shapes(args.shapes):
            results.append(compare_shape(timer, rows, columns, args, workdir))
    print_table(results, args)
    print(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "sklearn_blas": blas, "results": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
