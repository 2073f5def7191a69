#!/usr/bin/env bash
# Container entrypoint of the LetsData bridge image: prepares Spark for AWS Lambda, then hands over
# to the base image's /lambda-entrypoint.sh (the Lambda runtime client, or the Runtime Interface
# Emulator when the container runs outside Lambda).
#
# Why at start and not at build time: Lambda mounts an empty, writable /tmp at every cold start and
# the rest of the file system is read-only, so directories made during `docker build` are gone (or
# unwritable). Why the heap is computed: the function's memory is a deployment setting, so a fixed
# -Xmx either wastes it or gets the sandbox killed. The work is a few mkdirs and one small file, so
# non-Spark invocations do not notice it.
#
# Environment (all optional):
#   AWS_LAMBDA_FUNCTION_MEMORY_SIZE   function memory in MB (set by Lambda and the RIE); default 1024
#   SPARK_DRIVER_MEMORY               explicit driver heap (e.g. 2g); wins over the computed value
#   LETSDATA_SPARK_DRIVER_MEMORY_PERCENT  share of the function memory given to the heap; default 60
#   SPARK_TMP_ROOT                    root of Spark's scratch directories; default /tmp/spark (the same
#                                     variable letsdata_utils.spark_utils uses)
#   LETSDATA_NEXT_ENTRYPOINT          what to exec afterwards; default /lambda-entrypoint.sh
set -euo pipefail

fail() {
    printf 'spark-lambda-entrypoint: %s\n' "$1" >&2
    exit 1
}

is_whole_number() {
    [[ $1 =~ ^[0-9]+$ ]]
}

memory_mb="${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-1024}"
percent="${LETSDATA_SPARK_DRIVER_MEMORY_PERCENT:-60}"
is_whole_number "$memory_mb" || fail "AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a whole number of MB, got '$memory_mb'"
if ! is_whole_number "$percent" || ((10#$percent < 10 || 10#$percent > 90)); then
    fail "LETSDATA_SPARK_DRIVER_MEMORY_PERCENT must be a whole number from 10 to 90, got '$percent'"
fi

if [[ -z ${SPARK_DRIVER_MEMORY:-} ]]; then
    # The rest of the memory is for the Python interpreter, the JVM's non-heap memory and the OS.
    heap_mb=$((10#$memory_mb * 10#$percent / 100))
    ((heap_mb >= 256)) || heap_mb=256
    SPARK_DRIVER_MEMORY="${heap_mb}m"
fi
[[ $SPARK_DRIVER_MEMORY =~ ^[0-9]+[kKmMgG]?$ ]] \
    || fail "SPARK_DRIVER_MEMORY must look like 512m or 2g, got '$SPARK_DRIVER_MEMORY'"

spark_tmp="${SPARK_TMP_ROOT:-/tmp/spark}"
SPARK_LOCAL_DIRS="$spark_tmp/local"
SPARK_LOG_DIR="$spark_tmp/logs"
SPARK_WORKER_DIR="$spark_tmp/work"
SPARK_CONF_DIR="$spark_tmp/conf"
mkdir -p "$SPARK_LOCAL_DIRS" "$SPARK_LOG_DIR" "$SPARK_WORKER_DIR" "$SPARK_CONF_DIR" \
    "$spark_tmp/warehouse" "$spark_tmp/ivy" "$spark_tmp/derby" \
    || fail "cannot create Spark directories under $spark_tmp"

# spark-submit (started by pyspark) reads these defaults; SparkSession.builder settings still win.
cat >"$SPARK_CONF_DIR/spark-defaults.conf" <<CONF
spark.driver.memory              $SPARK_DRIVER_MEMORY
spark.local.dir                  $SPARK_LOCAL_DIRS
spark.sql.warehouse.dir          $spark_tmp/warehouse
spark.jars.ivy                   $spark_tmp/ivy
spark.driver.bindAddress         127.0.0.1
spark.driver.host                127.0.0.1
spark.ui.enabled                 false
spark.driver.extraJavaOptions    -Djava.io.tmpdir=/tmp -Dderby.system.home=$spark_tmp/derby
CONF

SPARK_TMP_ROOT="$spark_tmp"
export SPARK_DRIVER_MEMORY SPARK_LOCAL_DIRS SPARK_LOG_DIR SPARK_WORKER_DIR SPARK_CONF_DIR SPARK_TMP_ROOT

exec "${LETSDATA_NEXT_ENTRYPOINT:-/lambda-entrypoint.sh}" "$@"
