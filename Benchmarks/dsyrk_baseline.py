#!/usr/bin/env python3
"""Times one raw `cblas_dsyrk` (C += ZᵀZ) in the system OpenBLAS the trainer links.

The Swift API exposes the Gram matrix only through `GramAccumulator`, which copies each
block (centered, scaled, with a leading column of ones) before its `dsyrk`. This script calls
the same `libopenblas.so.0` directly through ctypes on an n × (d + 1) row-major matrix, with no
copy, in one call and in blocks of 1024 rows (the trainer's block size), so that a Newton step
of the trainer can be compared with the bare BLAS work it cannot avoid.

    python3 dsyrk_baseline.py                        # 1M×33 and 1M×129, 1 and 2 threads
    python3 dsyrk_baseline.py --shapes 1000000x128 --threads 1 --repeats 7
"""

import argparse
import ctypes
import ctypes.util
import statistics
import time

import numpy as np

ROW_MAJOR, UPPER, TRANS = 101, 121, 112


def load_openblas():
    # The system library, not numpy's bundled copy: the trainer links this one.
    for name in ("/usr/lib/x86_64-linux-gnu/libopenblas.so.0", ctypes.util.find_library("openblas")):
        if name:
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
    else:
        raise SystemExit("libopenblas not found; install libopenblas-dev")
    double_p = ctypes.POINTER(ctypes.c_double)
    lib.cblas_dsyrk.argtypes = [ctypes.c_int] * 5 + [ctypes.c_double, double_p, ctypes.c_int,
                                                     ctypes.c_double, double_p, ctypes.c_int]
    lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_get_config.restype = ctypes.c_char_p
    return lib, double_p


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default="1000000x32,1000000x128",
                        help="comma-separated ROWSxCOLUMNS; a column of ones is added (default 1000000x32,1000000x128)")
    parser.add_argument("--threads", default="1,2", help="OpenBLAS thread counts (default 1,2)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per case (default 5)")
    parser.add_argument("--block", type=int, default=1024, help="rows per block in the blocked case (default 1024)")
    args = parser.parse_args()
    lib, double_p = load_openblas()
    print(f"{lib.openblas_get_config().decode()}; core {lib.openblas_get_corename().decode()}")
    print("| shape (with ones column) | threads | one call s | GFLOP/s | blocks of "
          f"{args.block} s | GFLOP/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for shape in args.shapes.split(","):
        rows, columns = (int(v) for v in shape.lower().split("x"))
        z = np.random.default_rng(1).standard_normal((rows, columns + 1))
        m = columns + 1
        flops = rows * m * m  # n·p², the count dsyrk is usually quoted by
        for threads in (int(t) for t in args.threads.split(",")):
            lib.openblas_set_num_threads(threads)
            medians = []
            for block in (rows, args.block):
                times = []
                for _ in range(args.repeats):
                    c = np.zeros((m, m))
                    start = time.perf_counter()
                    for first in range(0, rows, block):
                        part = z[first:first + block]
                        lib.cblas_dsyrk(ROW_MAJOR, UPPER, TRANS, m, part.shape[0], 1.0,
                                        part.ctypes.data_as(double_p), m, 1.0, c.ctypes.data_as(double_p), m)
                    times.append(time.perf_counter() - start)
                medians.append(statistics.median(times))
            print(f"| {rows}×{m} | {threads} | {medians[0]:.3f} | {flops / medians[0] / 1e9:.1f} "
                  f"| {medians[1]:.3f} | {flops / medians[1] / 1e9:.1f} |", flush=True)


if __name__ == "__main__":
    main()
