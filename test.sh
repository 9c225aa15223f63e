#!/usr/bin/env bash
# The README's test command. Installs the system packages the tests need when they are missing (as root on
# Debian/Ubuntu, with apt-get; otherwise it says what to install), runs every test project of the solution,
# and ends with one line "N passed, N failed, N skipped" read from the TRX results. Exit 0 only when every
# test ran and passed.
set -uo pipefail
cd "$(dirname "$0")"

# package:command-or-path that proves it is present
needs=(
  "socat:socat"
  "dataset-fashion-mnist:/usr/share/datasets/fashion-mnist"
  "chromium:chromium"
  "redis-server:redis-server"
)
missing=()
for need in "${needs[@]}"; do
  package=${need%%:*}; probe=${need#*:}
  if [[ $probe == /* ]]; then [ -e "$probe" ] || missing+=("$package")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$package"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || { echo "test.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
  else
    echo "test.sh: missing ${missing[*]}; install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf TestResults
dotnet test HASS.Engine.sln --logger trx --results-directory TestResults "$@"
status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in TestResults/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

if [ $failed -gt 0 ]; then
  echo "test.sh: the failed tests:"
  awk -f tests/failed-tests.awk TestResults/*.trx
fi
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  echo "test.sh: dotnet test exited with $status (build error or test host crash)"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ $status -ne 0 ] || [ $failed -ne 0 ]; then exit 1; fi
if [ $passed -eq 0 ]; then echo "test.sh: no test ran"; exit 1; fi
exit 0
