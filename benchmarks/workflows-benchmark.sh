#!/usr/bin/env bash
# The workflows' throughput on this machine, against the local dev services: etl-migrate of a
# PostgreSQL table of N customers (1,000,000 by default) plus the example's CSV uploads and Kafka
# staging topic, then the hourly customer-analytics run on its sample events. Never in CI.
#   benchmarks/workflows-benchmark.sh [--rows N]
# Needs Java 17 and Maven; it starts the dev services (and stops them) and works in a scratch folder.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rows=1000000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    *) echo "workflows-benchmark: unknown option $1 (--rows N)" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
trap '(cd "$work" && "$root/bin/lakeforge" dev-services down >/dev/null 2>&1); rm -rf "$work"' EXIT
cp -r "$root/examples" "$work/examples"
ln -s "$root/bin" "$work/bin"
cd "$work"
sed -i "s/FROM range(1, 50001)/FROM range(1, $((rows + 1)))/" examples/etl-source.sql
bin/lakeforge dev-services up > /dev/null 2> dev-services.log
bin/lakeforge sql --config examples/etl-migrate.yaml > /dev/null 2>> run.log
bin/lakeforge dev-services produce --topic payments-staging --file examples/payments.jsonl > /dev/null 2>> run.log
bin/lakeforge dev-services produce --topic customer-events --file examples/customer-events.jsonl > /dev/null 2>> run.log
start=$(date +%s.%N)
bin/lakeforge etl-migrate --config examples/etl-migrate.yaml 2>> run.log | grep -E "^(customers|orders|payments|etl-migrate):"
end=$(date +%s.%N)
echo "etl-migrate wall time, JVM start included: $(echo "$end - $start" | bc) s"
start=$(date +%s.%N)
bin/lakeforge customer-analytics --config examples/customer-analytics.yaml 2>> run.log
end=$(date +%s.%N)
echo "customer-analytics hourly run on the sample, JVM start included: $(echo "$end - $start" | bc) s"
