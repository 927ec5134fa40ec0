#!/usr/bin/env bash
# The GPU-friendly transforms and a quality suite on generated events, on this machine's CPU and then
# on its GPU (RAPIDS, gpu-local preset), and the speedup. For users with GPU nodes; never in CI.
#   benchmarks/gpu-benchmark.sh [--rows N] [--runs N] [--cpu-only]
# Needs Java 17, Maven, NVIDIA's driver (nvidia-smi lists a GPU) and a GPU with enough memory for
# the rows; the first run builds the modules and downloads the RAPIDS jar (about 1 GB).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rows=20000000
runs=3
cpu_only=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --cpu-only) cpu_only=1; shift ;;
    *) echo "gpu-benchmark: unknown option $1 (--rows N, --runs N, --cpu-only)" >&2; exit 2 ;;
  esac
done
accelerators=(cpu gpu)
if [[ -n "$cpu_only" ]]; then
  accelerators=(cpu)
elif ! gpus=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null) || [[ -z "$gpus" ]]; then
  echo "gpu-benchmark: no GPU here (nvidia-smi lists none); --cpu-only runs the CPU half" >&2
  exit 2
else
  echo "GPU: $(head -1 <<< "$gpus")"
fi
cd "$root"
mvn -B -q -DskipTests install -pl benchmarks -am >&2
for a in "${accelerators[@]}"; do
  mvn -B -q -pl benchmarks exec:exec@gpu-benchmark \
    -Dgpu.args="--accelerator $a --rows $rows --runs $runs --out $root/benchmarks/target/gpu-$a.tsv" >&2
done
printf '%-16s %12s %9s %9s %9s\n' workload rows cpu_s gpu_s speedup
if [[ -n "$cpu_only" ]]; then
  awk -F'\t' '{printf "%-16s %12s %9s %9s %9s\n", $1, $2, $3, "-", "-"}' benchmarks/target/gpu-cpu.tsv
else
  awk -F'\t' 'NR == FNR { cpu[$1] = $3; next }
    { printf "%-16s %12s %9s %9s %8.1fx\n", $1, $2, cpu[$1], $3, cpu[$1] / $3 }' \
    benchmarks/target/gpu-cpu.tsv benchmarks/target/gpu-gpu.tsv
fi
