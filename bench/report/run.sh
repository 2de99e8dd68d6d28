#!/bin/sh
# Runs each report benchmark in its own process, so that each maxrss-MB is
# that benchmark's own peak (a process never lowers its high-water mark).
#
#   bench/report/run.sh               # 3 runs each
#   bench/report/run.sh -benchtime 1x
set -eu
cd "$(dirname "$0")/../.."
benchtime=3x
if [ "${1:-}" = "-benchtime" ] && [ -n "${2:-}" ]; then benchtime="$2"; fi
bin=$(mktemp /tmp/nines-bench-report.XXXXXX)
go test -c -o "$bin" ./bench/report/
cd bench/report
for b in Pipeline WorkbookStreamed WorkbookNotStreamed; do
	"$bin" -test.run '^$' -test.bench "^Benchmark$b\$" -test.benchtime "$benchtime" | grep '^Benchmark' || true
done
rm -f "$bin"
