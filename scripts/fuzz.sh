#!/usr/bin/env bash
# Runs every Go fuzz target (func FuzzX(f *testing.F) in a *_test.go file)
# for the given duration each, one target at a time: `go test` fuzzes one
# target per invocation.
#
# Usage: scripts/fuzz.sh [duration] [target regexp]
#   scripts/fuzz.sh               # every target for 1m
#   scripts/fuzz.sh 10m           # every target for 10 minutes
#   scripts/fuzz.sh 30s Cache     # the targets whose name matches "Cache"
#
# Each target starts from its seeds (f.Add and testdata/fuzz/FuzzX/) and the
# inputs it found interesting before (in the Go build cache). A failing input
# is written to PKG/testdata/fuzz/FuzzX/ and printed; fix the code and commit
# the file as a regression seed, which `go test` then always runs.
#
# Environment: FUZZ_MINIMIZE_TIME, how long to minimize an input (default
# 10s, or the duration when it is shorter; Go's own default of 60s, spent on
# every input that finds new code, leaves little time to fuzz).
set -euo pipefail

cd "$(dirname "$0")/.."

fuzztime="${1:-1m}"
only="${2:-.}"

# The minimizing time is at most the fuzzing time (compared when both are
# written as a whole number of s, m or h).
minimize="${FUZZ_MINIMIZE_TIME:-10s}"
seconds() {
	case "$1" in
	[0-9]*s) echo "${1%s}" ;;
	[0-9]*m) echo $((${1%m} * 60)) ;;
	[0-9]*h) echo $((${1%h} * 3600)) ;;
	esac
}
if [[ "$fuzztime" =~ ^[0-9]+[smh]$ && "$minimize" =~ ^[0-9]+[smh]$ ]] &&
	(($(seconds "$fuzztime") < $(seconds "$minimize"))); then
	minimize="$fuzztime"
fi

# "DIR NAME" for every fuzz target, sorted.
mapfile -t targets < <(
	grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
		sed -E 's|^\./(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]+).*|\1 \2|' |
		grep -E " .*${only}" | sort -u
)
if ((${#targets[@]} == 0)); then
	echo "fuzz.sh: no fuzz targets match ${only}" >&2
	exit 1
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT

failed=()
start=$SECONDS
for target in "${targets[@]}"; do
	dir="${target% *}"
	name="${target#* }"
	echo "fuzz.sh: ${dir} ${name} for ${fuzztime}" >&2
	t0=$SECONDS
	before="$(ls "${dir}/testdata/fuzz/${name}" 2>/dev/null || true)"
	if go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime="$minimize" "./${dir}" 2>&1 | tee "$out"; then
		echo "fuzz.sh: ${name} took $((SECONDS - t0))s" >&2
		continue
	fi
	# The failing input, printed: on CI, the file is lost with the workspace.
	found=false
	for f in "${dir}/testdata/fuzz/${name}"/*; do
		if [[ -f "$f" ]] && ! grep -qxF "$(basename "$f")" <<<"$before"; then
			echo "fuzz.sh: failing input ${f}:" >&2
			cat "$f" >&2
			found=true
		fi
	done
	# Go 1.26's fuzzing coordinator can report its own -fuzztime deadline as
	# a failure ("context deadline exceeded", no input written): a race at
	# the end of fuzzing, fixed in Go 1.27 (go.dev/issue/75804), not a
	# failing input. Anything else fails.
	if [[ "$found" == false ]] && grep -qE '^[[:space:]]*context deadline exceeded[[:space:]]*$' "$out" &&
		! grep -q 'Failing input written' "$out"; then
		echo "fuzz.sh: ${name}: the fuzztime deadline race of Go's fuzz coordinator (go.dev/issue/75804), no failing input: not counted" >&2
	else
		failed+=("${dir} ${name}")
	fi
	echo "fuzz.sh: ${name} took $((SECONDS - t0))s" >&2
done
echo "fuzz.sh: ${#targets[@]} targets in $((SECONDS - start))s" >&2

if ((${#failed[@]} > 0)); then
	echo "fuzz.sh: these targets failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
