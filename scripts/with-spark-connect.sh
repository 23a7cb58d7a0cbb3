#!/usr/bin/env bash
# Runs a command beside a throwaway Spark Connect server, which the Spark training test uses:
#
#   bash scripts/with-spark-connect.sh COMMAND [ARGUMENT ...]
#
# It starts the Spark Connect server of the pip-installed pyspark (scripts/requirements.txt)
# with master local[2], listening on 127.0.0.1 only, port PROPENSITY_SPARK_CONNECT_PORT
# (default 55402, not Spark Connect's 15002), in a temporary folder; waits until it accepts
# connections; and runs COMMAND with
#   PROPENSITY_TEST_SPARK_REMOTE=sc://127.0.0.1:PORT
# in its environment. When COMMAND ends, however it ends, the server is stopped by its pid and
# the folder removed; the script exits with COMMAND's status.
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: bash scripts/with-spark-connect.sh COMMAND [ARGUMENT ...]" >&2; exit 2; }
spark_home="$(python3 -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null)" \
    || { echo "pyspark is not installed; run bash scripts/setup.sh." >&2; exit 1; }
command -v java >/dev/null || { echo "java is not on PATH; run bash scripts/setup.sh." >&2; exit 1; }
port="${PROPENSITY_SPARK_CONNECT_PORT:-55402}"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port on 127.0.0.1 is taken; choose another with PROPENSITY_SPARK_CONNECT_PORT." >&2
    exit 1
fi

folder="$(mktemp -d "${TMPDIR:-/tmp}/propensity-spark-connect.XXXXXX")"
pid=""
stop() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$folder"
}
trap stop EXIT

# spark-submit execs the JVM, so $! is the server's pid.
(cd "$folder" && SPARK_HOME="$spark_home" exec "$spark_home/bin/spark-submit" \
    --class org.apache.spark.sql.connect.service.SparkConnectServer --master "local[2]" \
    --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$port" \
    --conf spark.ui.enabled=false --conf spark.sql.warehouse.dir="$folder/warehouse" \
    spark-internal > "$folder/server.log" 2>&1) &
pid=$!
for _ in $(seq 1 900); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "The Spark Connect server stopped:" >&2; tail -n 30 "$folder/server.log" >&2; exit 1; }
    sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    || { echo "The Spark Connect server did not open port $port:" >&2; tail -n 30 "$folder/server.log" >&2; exit 1; }

set +e
PROPENSITY_TEST_SPARK_REMOTE="sc://127.0.0.1:$port" "$@"
status=$?
set -e
exit "$status"
