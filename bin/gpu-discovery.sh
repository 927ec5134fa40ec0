#!/usr/bin/env bash
# Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as the resource JSON Spark reads, e.g. {"name": "gpu", "addresses": ["0","1"]}.
# Without a GPU (no nvidia-smi, no driver, none listed) it prints an empty address list and exits 0:
# Spark then stops the executor with "needs 1 gpu, found 0" instead of a script error, and a job
# on CPU-only nodes without GPU settings never runs this script. The jobs image holds it at
# /opt/lakeforge/bin/gpu-discovery.sh.
set -u
addresses=""
if command -v nvidia-smi >/dev/null 2>&1; then
  if listed=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null); then
    while IFS= read -r index; do
      index="${index//[[:space:]]/}"
      [ -n "$index" ] || continue
      case "$index" in *[!0-9]*) continue ;; esac
      addresses="${addresses:+$addresses,}\"$index\""
    done <<< "$listed"
  else
    echo "gpu-discovery: nvidia-smi failed; reporting no GPU" >&2
  fi
else
  echo "gpu-discovery: nvidia-smi is not on the PATH; reporting no GPU" >&2
fi
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
