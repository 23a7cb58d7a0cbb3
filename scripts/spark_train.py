#!/usr/bin/env python3
"""Trains a Propensity model on a Spark DataFrame, with Propensity's own numerics.

    python3 scripts/spark_train.py --data sqls.csv --label won --l2 1 --out model.json \\
        [--weight w] [--features a,b,c] [--propensity PATH] [--master local[2]] [--partitions N]

The DataFrame holds an already-extracted matrix: numeric feature columns (every column but
the label and the weight unless --features names them), a 0/1 label and optionally a sample
weight. `propensity train-driver` runs the Newton-Cholesky fit here, on the driver; for each
pass over the rows it asks for, every partition's rows go through `mapInArrow` to
`propensity partition-pass`, which returns that partition's sums (column moments, or the loss
with its gradient and Hessian at a point); the driver hands the sums to train-driver, which
adds them and takes the step. The result is a normal Propensity model file, the same fit as
`propensity train --data` on the same rows up to the order of the sums.

Spark: with SPARK_REMOTE set (sc://host:port) the job runs through Spark Connect; otherwise on
--master, or on the master spark-submit gives. The propensity binary must run on every
executor at the path --propensity gives (ship it with spark-submit --files and pass
./propensity); it reads the rows from standard input, so executors need nothing else of
Propensity but its libraries (OpenBLAS, LAPACKE).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="the rows: a CSV file with a header, or a Parquet file or folder")
    parser.add_argument("--format", choices=["csv", "parquet"], help="the file format; default from the extension")
    parser.add_argument("--label", required=True, help="the 0/1 label column")
    parser.add_argument("--weight", help="the sample-weight column")
    parser.add_argument("--features", help="the feature columns, comma-separated; default every other column")
    parser.add_argument("--l2", type=float, default=0.0, help="the L2 penalty (as for propensity train); default 0")
    parser.add_argument("--no-standardize", action="store_true", help="penalize the raw coefficients")
    parser.add_argument("--out", required=True, help="the model file to write")
    parser.add_argument("--propensity", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                             ".build", "release", "propensity"),
                        help="the propensity binary, as executors find it; default .build/release/propensity")
    parser.add_argument("--master", help="the Spark master when not run by spark-submit or Spark Connect, e.g. local[2]")
    parser.add_argument("--partitions", type=int, help="repartition the rows into this many partitions")
    return parser.parse_args()


def session(master):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("propensity-train")
    if master and not os.environ.get("SPARK_REMOTE"):
        builder = builder.master(master).config("spark.ui.enabled", "false")
    spark = builder.getOrCreate()
    if not os.environ.get("SPARK_REMOTE"):  # a Spark Connect session has no SparkContext
        spark.sparkContext.setLogLevel("WARN")
    return spark


PASS_FAILED = "propensity partition-pass failed in a partition: "


def partition_pass(binary, request, features, weighted):
    """The function mapInArrow runs on each partition: its rows, as little-endian doubles, to
    `propensity partition-pass`, and that partition's sums back as one JSON string."""
    arguments = [binary, "partition-pass", "--request", request, "--features", ",".join(features)]
    if weighted:
        arguments.append("--weighted")

    def run(batches):
        import subprocess

        import numpy
        import pyarrow

        process = subprocess.Popen(arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for batch in batches:
                # A null becomes NaN, which partition-pass refuses, naming the row.
                columns = [batch.column(i).to_numpy(zero_copy_only=False).astype("<f8", copy=False)
                           for i in range(batch.num_columns)]
                process.stdin.write(numpy.column_stack(columns).tobytes())
            process.stdin.close()
        except BrokenPipeError:
            pass
        output = process.stdout.read()
        errors = process.stderr.read()
        if process.wait() != 0:
            raise RuntimeError(PASS_FAILED + errors.decode(errors="replace").strip())
        yield pyarrow.RecordBatch.from_arrays([pyarrow.array([output.decode().strip()])], names=["result"])

    return run


def main():
    options = parse_arguments()
    from pyspark.sql import functions

    spark = session(options.master)
    data_format = options.format or ("parquet" if options.data.endswith(".parquet") or os.path.isdir(options.data) else "csv")
    if data_format == "csv":
        frame = spark.read.csv(options.data, header=True, inferSchema=True)
    else:
        frame = spark.read.parquet(options.data)
    if options.features:
        features = options.features.split(",")
    else:
        features = [c for c in frame.columns if c not in (options.label, options.weight)]
    missing = [c for c in features + [options.label] + ([options.weight] if options.weight else []) if c not in frame.columns]
    if missing:
        sys.exit(f"{options.data} has no column {', '.join(missing)}; its columns: {', '.join(frame.columns)}")
    selected = features + [options.label] + ([options.weight] if options.weight else [])
    rows = frame.select([functions.col(c).cast("double").alias(c) for c in selected])
    if options.partitions:
        rows = rows.repartition(options.partitions)
    rows = rows.cache()

    driver_arguments = [options.propensity, "train-driver", "--features", ",".join(features), "--label", options.label,
                        "--l2", repr(options.l2), "--source", options.data, "--out", options.out]
    if options.weight:
        driver_arguments += ["--weight", options.weight]
    if options.no_standardize:
        driver_arguments.append("--no-standardize")
    driver = subprocess.Popen(driver_arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    passes = 0
    with tempfile.TemporaryDirectory(prefix="propensity-spark-") as folder:
        for line in driver.stdout:
            message = json.loads(line)
            if "done" in message:
                break
            request = json.dumps(message["pass"])
            try:
                results = [row["result"] for row in
                           rows.mapInArrow(partition_pass(options.propensity, request, features, bool(options.weight)),
                                           "result string").collect()]
            except Exception as error:  # Spark wraps the partition's error in its own
                driver.kill()
                driver.wait()
                spark.stop()
                text = str(error)
                if PASS_FAILED in text:
                    reason = text[text.index(PASS_FAILED) + len(PASS_FAILED):].splitlines()[0]
                    sys.exit(f"{options.data}, in a Spark partition (rows counted from 1 within it): "
                             + reason.removeprefix("Error: "))
                raise
            passes += 1
            path = os.path.join(folder, f"pass-{passes}.jsonl")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("\n".join(results) + "\n")
            driver.stdin.write(path + "\n")
            driver.stdin.flush()
        driver.stdin.close()
        code = driver.wait()
    spark.stop()
    if code != 0:
        sys.exit(f"propensity train-driver failed (exit {code}); see its message above.")
    print(f"Model written to {options.out} after {passes} passes over {rows_description(options)}.", file=sys.stderr)


def rows_description(options):
    return f"{options.data} ({options.partitions} partitions)" if options.partitions else options.data


if __name__ == "__main__":
    main()
