#!/usr/bin/env bash
# Kept for its old entry point: the real-pipeline comparison is now bench/Hass.Bench.Campaigns (docs/search.md).
#   bench/compare-strategies.sh [trials=150] [seeds="0 1 2"] [boards="zedboard zc706"] [models="fmnist-vgg"]
# STRATEGIES picks the pipelines (default "hass uniform"; "hass" is the default campaign, other names run alone).
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-150}; seeds=${2:-"0 1 2"}; boards=${3:-"zedboard zc706"}; models=${4:-fmnist-vgg}
dotnet build src/Hass.Cli -c Release -v q -nologo >/dev/null
# shellcheck disable=SC2086 # word splitting of the lists is intended
exec dotnet run -c Release --project bench/Hass.Bench.Campaigns -- --trials "$trials" --seeds $seeds --boards $boards \
  --models $models --pipelines ${STRATEGIES:-hass uniform}
