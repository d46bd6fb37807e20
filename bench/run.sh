#!/usr/bin/env bash
# The trainer's benchmark, side by side with numpy_reference.py: see docs/performance.md.
#   bench/run.sh             # all workloads, 3 rounds each (about 10 minutes on 2 cores)
#   bench/run.sh --quick     # article workloads only, shorter memory run
#   bench/run.sh --rounds 5
#   bench/run.sh --against REV   # also runs the article workloads of commit REV, alternating, in the same run
#   bench/run.sh --starts [--rounds N]   # the packaged service started each way (java -jar, README options,
#                                        # ND4J), first and warm article jobs through HTTP: bench/starts.sh
#   bench/run.sh --predict [--rounds N] # predictions of a [256, 256] model of 300 inputs against ONNX Runtime
#                                        # (PredictBench): one row, 10,000 rows, and through HTTP; predict.json
#   bench/run.sh --sweep [--quick]       # every network shape against PyTorch (SweepBench): seconds per epoch,
#                                        # FLOP rates, target/bench/sweep.json and sweep-*.svg (about 25 minutes)
# Prints one JSON document (also written to target/bench/results.json); progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--starts" ]]; then
  shift
  exec bench/starts.sh "$@"
fi
mkdir -p target/bench
# Offline first (the usual case once dependencies are cached), online otherwise.
build=(-q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test)
./mvnw -o "${build[@]}" >/dev/null 2>&1 || ./mvnw "${build[@]}" >&2
if [[ "${1:-}" == "--predict" ]]; then
  shift
  exec java --add-modules=jdk.incubator.vector \
    -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" io.netforge.prediction.PredictBench "$@"
fi
if [[ "${1:-}" == "--sweep" ]]; then
  shift
  exec java --add-modules=jdk.incubator.vector \
    -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" io.netforge.bench.SweepBench "$@"
fi
args=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--against" ]]; then
    rev=$2
    shift 2
    # a worktree of REV outside target/ (a clean would not remove it) with its own build
    other="$(pwd)/../.netforge-bench-against"
    git worktree remove --force "$other" >/dev/null 2>&1 || rm -rf "$other"
    git worktree add --detach "$other" "$rev" >&2
    (cd "$other" && { ./mvnw -o "${build[@]}" >/dev/null 2>&1 || ./mvnw "${build[@]}" >&2; })
    args+=(--against-classpath "$other/target/test-classes:$other/target/classes:$(cat "$other/target/bench/classpath.txt")"
           --against-label "$(git rev-parse --short "$rev")")
  else
    args+=("$1")
    shift
  fi
done
exec java --add-modules=jdk.incubator.vector \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.netforge.bench.TrainingBench "${args[@]}"
