"""Writes a large flat CSV table of synthetic SQLs for the out-of-core benchmark.

Each row has COLUMNS numeric features x1 … xk, each written with four decimals in [0, 10)
(5 + a standard normal draw, clipped), and a 0/1 label `won` drawn from a logistic model with
fixed coefficients. The rows are formatted a million at a time with numpy into fixed-width bytes,
so 20 million rows × 32 features (4.5 GB) take about a minute rather than the hour a
row-by-row writer would. The file is written to a temporary name and renamed when complete.

    python3 make_wide_table.py --rows 20000000 --columns 32 --out /tmp/wide/leads.csv
"""

import argparse
import os

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--columns", type=int, default=32)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--batch", type=int, default=1_000_000)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    k = args.columns
    beta = rng.normal(0, 0.3, size=k)
    temporary = args.out + ".tmp"
    with open(temporary, "wb") as out:
        out.write((",".join(f"x{j + 1}" for j in range(k)) + ",won\n").encode())
        written = 0
        while written < args.rows:
            n = min(args.batch, args.rows - written)
            x = np.clip(5 + rng.standard_normal((n, k)), 0, 9.9999)
            ticks = np.rint(x * 10_000).astype(np.int64)          # the value in units of 1e-4
            ticks = np.minimum(ticks, 99_999)
            x = ticks / 10_000                                     # what the file says
            eta = -0.5 + (x - 5) @ beta
            won = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.uint8)
            # Each feature is "d.dddd," (7 bytes); the row ends with the label and a newline.
            row = np.empty((n, 7 * k + 2), dtype=np.uint8)
            cells = row[:, : 7 * k].reshape(n, k, 7)
            cells[:, :, 0] = 48 + ticks // 10_000
            cells[:, :, 1] = ord(".")
            for place, divisor in enumerate((1_000, 100, 10, 1)):
                cells[:, :, 2 + place] = 48 + (ticks // divisor) % 10
            cells[:, :, 6] = ord(",")
            row[:, 7 * k] = 48 + won
            row[:, 7 * k + 1] = ord("\n")
            row.tofile(out)
            written += n
    os.replace(temporary, args.out)


if __name__ == "__main__":
    main()
