#!/usr/bin/env python3
"""Wide data: Propensity's Hessian-free fit against its Newton fit and scikit-learn's lbfgs.

One seeded data set per shape (the generator of compare_sklearn.py: standardized columns,
about 30% positives) and, in interleaved rounds on the same machine state:

* ours, L-BFGS: `fit-timer` (release, one child process per run, `--threads 2`) at the
  trainer's default width, so every shape wider than 1,000 columns is fitted without the
  Hessian, to the trainer's default tolerance (max |gradient| ≤ 1e-10·n), or --tolerance;
* ours, Newton: the same with `--hessian-free-width` above the column count, forming the
  (d+1)² Hessian with `dsyrk` each step (and its inverse, the covariance), on shapes up to
  --newton-max columns;
* scikit-learn `LogisticRegression(C=1/λ, solver="lbfgs")`, in this process, with `tol`
  tightened until its objective is within --target-gap (relative) of ours.

With `--alpha A` (elastic net, our OWL-QN against our proximal Newton) scikit-learn is left out:
its `saga` needs minutes per fit at these widths (see compare_path.py for the path against saga
and liblinear on narrower data).

All minimize Σᵢ [log(1 + exp(ηᵢ)) − yᵢηᵢ] + λ(α‖β‖₁ + (1−α)/2‖β‖²), the intercept
unpenalized (`standardize=false` on standardized columns); every objective is recomputed here
from the coefficients with one formula.

    python3 compare_wide.py                                   # 20,000 × 2,000 and × 10,000, 3 rounds
    python3 compare_wide.py --shapes 20000x5000 --alpha 1 --l2 20 --newton-max 5000
    python3 compare_wide.py --tolerance 1e-8                  # ours at about sklearn's accuracy
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare_sklearn import build_timer, gap, generate, loosest_tolerance, parse_shapes, run_sklearn  # noqa: E402


def objective(x, y, intercept, coefficients, lam, alpha):
    beta = np.asarray(coefficients)
    eta = x @ beta + intercept
    penalty = lam * (alpha * np.sum(np.abs(beta)) + 0.5 * (1 - alpha) * np.dot(beta, beta))
    return float(np.sum(np.logaddexp(0, eta) - y * eta) + penalty)


def run_ours(timer, path, rows, columns, args, newton):
    width = columns if newton else 1000
    out = subprocess.run([timer, path, "--rows", str(rows), "--columns", str(columns), "--l2", repr(args.l2),
                          "--l1-ratio", repr(args.alpha), "--tolerance", repr(args.tolerance), "--repeats", "1", "--threads", "2",
                          "--hessian-free-width", str(width)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def compare_shape(timer, rows, columns, args, workdir):
    print(f"\n== {rows}×{columns} ==", flush=True)
    x, y = generate(rows, columns, args.seed)
    path = os.path.join(workdir, f"wide_{rows}x{columns}.f64")
    with open(path, "wb") as f:
        x.astype("<f8", copy=False).tofile(f)
        y.astype("<f8", copy=False).tofile(f)

    ref = run_ours(timer, path, rows, columns, args, newton=False)
    reference = objective(x, y, ref["intercept"], ref["coefficients"], args.l2, args.alpha)
    print(f"ours (L-BFGS): objective {reference:.12g}, {ref['iterations']} steps, converged {ref['converged']}, "
          f"max KKT violation {ref['maxAbsGradient']:.1e}", flush=True)
    contenders = ["lbfgs-ours"]
    gaps = {}
    if columns <= args.newton_max:
        contenders.append("newton-ours")
    tolerance = None
    if args.alpha == 0:
        def fit_sklearn(tol):
            try:
                seconds, b, beta, iterations = run_sklearn(x, y, args.l2, "lbfgs", tol)
            except ConvergenceWarning:
                return None
            return gap(objective(x, y, b, beta, args.l2, 0), reference), f"{iterations} iterations, {seconds:.2f} s"
        tolerance, _ = loosest_tolerance("sklearn lbfgs", fit_sklearn, args.target_gap)
        contenders.append("lbfgs-sklearn")

    runs = {name: [] for name in contenders}
    steps = {}
    for r in range(args.repeats):
        for name in contenders[r % len(contenders):] + contenders[:r % len(contenders)]:
            if name.endswith("ours"):
                report = run_ours(timer, path, rows, columns, args, newton=name == "newton-ours")
                runs[name].append(report["seconds"])
                steps[name] = report["iterations"]
                gaps[name] = gap(objective(x, y, report["intercept"], report["coefficients"], args.l2, args.alpha),
                                 reference)
            else:
                seconds, b, beta, steps[name] = run_sklearn(x, y, args.l2, "lbfgs", tolerance)
                runs[name].append(seconds)
                gaps[name] = gap(objective(x, y, b, beta, args.l2, 0), reference)
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in runs.items()), flush=True)
    os.remove(path)
    medians = {k: statistics.median(v) for k, v in runs.items()}
    return {"rows": rows, "columns": columns, "medians": medians, "runs": runs, "steps": steps, "gaps": gaps,
            "sklearn_tolerance": tolerance}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default="20000x2000,20000x10000", help="comma-separated ROWSxCOLUMNS")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved timed rounds per shape (default 3)")
    parser.add_argument("--l2", type=float, default=1.0, help="the penalty λ = 1/C (default 1)")
    parser.add_argument("--alpha", type=float, default=0.0, help="the elastic-net mixing α (default 0, pure L2)")
    parser.add_argument("--tolerance", type=float, default=1e-10,
                        help="our trainer's tolerance (default 1e-10, the trainer's default)")
    parser.add_argument("--newton-max", type=int, default=2000,
                        help="time our Newton fit on shapes up to this many columns (default 2000)")
    parser.add_argument("--seed", type=int, default=20251123, help="the data seed (default 20251123)")
    parser.add_argument("--target-gap", type=float, default=1e-8,
                        help="largest relative objective gap sklearn must reach (default 1e-8)")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args()
    started = time.perf_counter()
    timer = build_timer()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; sklearn {sklearn.__version__}, numpy {np.__version__}; "
          f"λ = {args.l2}, α = {args.alpha}, our tolerance {args.tolerance:g}; load average {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="propensity-wide-") as workdir:
        for rows, columns in parse_shapes(args.shapes):
            results.append(compare_shape(timer, rows, columns, args, workdir))
    print(f"\nmedian of {args.repeats} interleaved rounds, seconds per fit (steps); ratio = other / ours L-BFGS")
    print("| shape | ours L-BFGS | ours Newton | Newton / L-BFGS | sklearn lbfgs (tol) | sklearn / ours |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        m, s = r["medians"], r["steps"]
        ours = m["lbfgs-ours"]
        newton = f"{m['newton-ours']:.2f} ({s['newton-ours']}) | {m['newton-ours'] / ours:.1f}×" \
            if "newton-ours" in m else "— | —"
        sk = f"{m['lbfgs-sklearn']:.2f} ({r['sklearn_tolerance']:.0e}, {s['lbfgs-sklearn']}) | " \
             f"{m['lbfgs-sklearn'] / ours:.1f}×" if "lbfgs-sklearn" in m else "— | —"
        print(f"| {r['rows']}×{r['columns']} | {ours:.2f} ({s['lbfgs-ours']}) | {newton} | {sk} |")
    print("objective gaps against ours L-BFGS: "
          + "; ".join(f"{r['columns']}: " + ", ".join(f"{k} {v:+.1e}" for k, v in r["gaps"].items()) for r in results))
    print(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
