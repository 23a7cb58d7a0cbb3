#!/usr/bin/env python3
"""Scores exported models in Spark SQL and in a PMML evaluator, for the export tests.

Usage: python3 scripts/check_export.py MANIFEST.json

The manifest lists cases; each names a features file written by
`propensity score --features` (or any CSV with a `score_probability` column), the type of
each of its columns (`number` or `text`), and optionally a Spark SQL query written by
`propensity export --format sql --dialect spark` (reading the table `features`) and a PMML
document written by `propensity export --format pmml`:

    {"cases": [{"name": "crm", "features": "f.csv", "columns": {"lead_id": "text", ...},
                "spark_sql": "m.sql", "pmml": "m.pmml"}]}

A case may also name a feature query written by `propensity export --format feature-sql
--dialect spark` and the CRM tables it reads (CSV files, registered as views by the names the
query uses, with their types inferred), with the features file to compare the query's rows to:

    {"name": "crm-features", "feature_sql": "f.sql", "tables": {"leads": "leads.csv", ...},
     "features": "f.csv", "columns": {...}, "spark_sql": "m.sql"}

For each case and engine it prints, as one JSON object, the number of rows scored, how many
probabilities were missing, and the largest absolute difference from `score_probability`;
for a feature query, the number of values compared, the number that differ in kind (text,
or missing on one side only), the largest difference relative to max(1, |value|), and the
largest difference of the probabilities that the model's query computes from the query's
rows.
Spark runs on local[1] (pyspark, Java 17); the PMML evaluator is jpmml-evaluator through
JPype. Both are installed by scripts/setup.sh.
"""

import csv
import json
import math
import sys


def read_rows(path, columns):
    """The features file as dictionaries, numbers as floats and empty fields as None."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = []
        for record in csv.DictReader(handle):
            row = {}
            for name, value in record.items():
                if value == "":
                    row[name] = None
                elif columns[name] == "number":
                    row[name] = float(value)
                else:
                    row[name] = value
            rows.append(row)
        return rows


def compare(expected, actual):
    """(rows, missing, largest absolute difference) of two lists of probabilities."""
    missing = sum(1 for value in actual if value is None or (isinstance(value, float) and math.isnan(value)))
    largest = max((abs(a - e) for e, a in zip(expected, actual)
                   if a is not None and not (isinstance(a, float) and math.isnan(a))), default=0.0)
    return {"rows": len(actual), "missing": missing, "max_abs_diff": largest}


def spark_results(cases):
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    spark = (SparkSession.builder.master("local[1]").appName("propensity-export-check")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    results = {}
    try:
        for case in cases:
            if case.get("feature_sql"):
                results[case["name"]] = spark_feature_result(spark, case)
                continue
            if not case.get("spark_sql"):
                continue
            columns = case["columns"]
            with open(case["features"], encoding="utf-8") as handle:
                header = next(csv.reader(handle))
            schema = StructType([StructField(name, DoubleType() if columns[name] == "number" else StringType(), True)
                                 for name in header])
            frame = spark.read.csv(case["features"], header=True, schema=schema, enforceSchema=True,
                                   emptyValue=None, nullValue="")
            frame.createOrReplaceTempView("features")
            with open(case["spark_sql"], encoding="utf-8") as handle:
                query = handle.read()
            rows = spark.sql(query).select("score_probability", "probability").collect()
            results[case["name"]] = compare([r["score_probability"] for r in rows], [r["probability"] for r in rows])
    finally:
        spark.stop()
    return results


def spark_feature_result(spark, case):
    """Runs a feature query on the CRM tables, compares its rows with the features file, and
    scores them with the model's query."""
    for name, path in case["tables"].items():
        spark.read.csv(path, header=True, inferSchema=True).createOrReplaceTempView(name)
    with open(case["feature_sql"], encoding="utf-8") as handle:
        features = spark.sql(handle.read())
    rows = {row["lead_id"]: row.asDict() for row in features.collect()}
    expected = read_rows(case["features"], case["columns"])
    compared = differ = 0
    largest = 0.0
    for want in expected:
        got = rows.get(want["lead_id"])
        if got is None:
            differ += 1
            continue
        for name in features.columns:
            if name == "lead_id":
                continue
            a, b = want.get(name), got[name]
            compared += 1
            if case["columns"][name] == "text" or a is None or b is None:
                differ += (str(b) if b is not None else None) != a
            else:
                largest = max(largest, abs(float(b) - a) / max(1.0, abs(a)))
    result = {"rows": len(rows), "expected_rows": len(expected), "compared": compared, "differ": differ,
              "max_rel_diff": largest}
    if case.get("spark_sql"):
        features.createOrReplaceTempView("features")
        with open(case["spark_sql"], encoding="utf-8") as handle:
            scored = {row["lead_id"]: row["probability"] for row in spark.sql(handle.read()).collect()}
        reference = {row["lead_id"]: row["score_probability"] for row in expected}
        result["chained"] = compare([reference[key] for key in scored], list(scored.values()))
    return result


def pmml_results(cases):
    from jpmml_evaluator import make_evaluator

    results = {}
    for case in cases:
        if not case.get("pmml"):
            continue
        evaluator = make_evaluator(case["pmml"], backend="jpype").verify()
        inputs = [field.getName() for field in evaluator.getInputFields()]
        rows = read_rows(case["features"], case["columns"])
        actual = []
        for row in rows:
            result = evaluator.evaluate({name: row.get(name) for name in inputs})
            actual.append(result.get("probability"))
        results[case["name"]] = compare([row["score_probability"] for row in rows], actual)
    return results


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)["cases"]
    print(json.dumps({"spark": spark_results(cases), "pmml": pmml_results(cases)}))


if __name__ == "__main__":
    main()
