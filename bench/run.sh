#!/usr/bin/env bash
# The trainer's benchmark, side by side with numpy_reference.py: see docs/performance.md.
#   bench/run.sh             # all workloads, 3 rounds each (about 10 minutes on 2 cores)
#   bench/run.sh --quick     # article workloads only, shorter memory run
#   bench/run.sh --rounds 5
# Prints one JSON document (also written to target/bench/results.json); progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench
# Offline first (the usual case once dependencies are cached), online otherwise.
build=(-q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test)
./mvnw -o "${build[@]}" >/dev/null 2>&1 || ./mvnw "${build[@]}" >&2
exec java --add-modules=jdk.incubator.vector \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.netforge.bench.TrainingBench "$@"
