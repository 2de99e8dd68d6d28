#!/usr/bin/env bash
# Runs every check CI runs: gofmt, go vet and the tests, with a real
# Prometheus, promtool and Pushgateway, VictoriaMetrics, and LibreOffice to
# read back the Excel report (each installed from Debian if missing), and a
# Prometheus 3.x built from the module version in go.mod (once: cached, see
# below); then, on a full run (no package named), every fuzz target briefly
# (scripts/fuzz.sh, 5s each, about 80 seconds in all).
#
# Usage: scripts/test.sh [go test flags] [packages]
#   scripts/test.sh                      # all packages (./...)
#   scripts/test.sh -run TestGate ./gate/
#   scripts/test.sh -v ./internal/promtest/
# Arguments are passed to `go test` unchanged. ./... is added only when no
# argument names a package; a package argument is one starting with "./",
# "../" or "github.com/nines-sre/nines", or ".". (So pass flag values with
# "=", e.g. -coverprofile=c.out, not as a separate "./c.out".)
#
# Environment: NINES_SKIP_FUZZ=1 skips the fuzz step (CI runs it);
# NINES_FUZZTIME sets each target's time (default 5s); NINES_PROMETHEUS3 names
# a Prometheus 3.x binary to use instead of building one; NINES_CACHE_DIR is
# where the built one is kept (default $(go env GOCACHE)/../nines-prometheus3).
set -euo pipefail

cd "$(dirname "$0")/.."

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
	sudo="sudo"
fi

# What the tests need from Debian, by the command that tells it is there:
# prometheus (with promtool), prometheus-pushgateway and victoria-metrics for
# the integration tests, LibreOffice to read back the Excel report.
missing=()
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
command -v prometheus-pushgateway >/dev/null || missing+=(prometheus-pushgateway)
command -v victoria-metrics >/dev/null || missing+=(victoria-metrics)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)

if ((${#missing[@]} > 0)); then
	echo "test.sh: installing ${missing[*]} from Debian" >&2
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
	# The packages may start their own services; the tests run their own
	# processes on free ports.
	for svc in prometheus prometheus-pushgateway victoria-metrics; do
		if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
			$sudo systemctl stop "$svc" 2>/dev/null || true
		elif [[ -x "/etc/init.d/$svc" ]]; then
			$sudo "/etc/init.d/$svc" stop || true
		fi
	done
fi

unformatted="$(gofmt -l .)"
if [[ -n "$unformatted" ]]; then
	echo "test.sh: these files are not gofmt-formatted (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi

go vet ./...

args=("$@")
has_package=false
for arg in "$@"; do
	case "$arg" in
	. | ./* | ../* | github.com/nines-sre/nines*) has_package=true ;;
	esac
done
if [[ "$has_package" == false ]]; then
	args+=(./...)
fi

# A Prometheus 3.x for the backend agreement tests (internal/promtest
# StartPrometheus3), built from the github.com/prometheus/prometheus module
# version in go.mod, without the web UI's assets (the API needs none) and
# without service discovery (the tests scrape nothing; remove_all_sd drops the
# cloud SDKs and cuts a cold build's CPU time from about 20 to 7.5 minutes),
# once per machine: it is kept under the cache directory, keyed by that
# version (docs/backends.md).
if [[ -z "${NINES_PROMETHEUS3:-}" ]]; then
	p3version="$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus)"
	p3cache="${NINES_CACHE_DIR:-$(go env GOCACHE)/../nines-prometheus3}"
	p3dir="$p3cache/$p3version-remove_all_sd"
	if [[ ! -x "$p3dir/prometheus" ]]; then
		echo "test.sh: building Prometheus 3.x ($p3version) into $p3dir (once; later runs reuse it)" >&2
		mkdir -p "$p3cache"
		tmp="$(mktemp -d "$p3cache/build.XXXXXX")"
		p3start=$SECONDS
		GOBIN="$tmp" go install -tags remove_all_sd "github.com/prometheus/prometheus/cmd/prometheus@$p3version"
		rm -rf "$p3dir"
		mv "$tmp" "$p3dir"
		echo "test.sh: Prometheus 3.x built in $((SECONDS - p3start))s" >&2
	fi
	NINES_PROMETHEUS3="$p3dir/prometheus"
fi
export NINES_PROMETHEUS3

NINES_REQUIRE_PROMETHEUS=1 NINES_REQUIRE_BACKENDS=1 NINES_REQUIRE_LIBREOFFICE=1 go test -count=1 -timeout 15m "${args[@]}"

# The fuzz targets' seeds ran with the tests; a full run also fuzzes each
# target for a few seconds, so that CI finds what a change opened up.
if [[ "$has_package" == false && "${NINES_SKIP_FUZZ:-}" != 1 ]]; then
	bash scripts/fuzz.sh "${NINES_FUZZTIME:-5s}"
elif [[ "$has_package" == false ]]; then
	echo "test.sh: NINES_SKIP_FUZZ=1: fuzz targets not run (CI runs them)" >&2
fi
