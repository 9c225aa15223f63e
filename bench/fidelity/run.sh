#!/usr/bin/env bash
# Analytical vs emulated (issue 14): for each model × board, a short campaign, then its 10 best distinct designs by
# predicted throughput measured on the board emulator (`hass board measure`), and the best design's batch-1 latency
# (one image, no warm-up). Prints one row per design and a summary per campaign (max |predicted/measured − 1|,
# Kendall τ of the top-10 ranking, latency ratio). Run on demand, nice, one thing at a time (about 5 min per campaign):
#   bench/fidelity/run.sh [models="fmnist-vgg fmnist-resnet fmnist-mobilenet"] [boards="zedboard zc706"] [trials=25]
# SPARSE_CYCLES=average measures fpgaConvNet's average figure instead of the lane-aware one.
set -euo pipefail
cd "$(dirname "$0")/../.."
models=${1:-"fmnist-vgg fmnist-resnet fmnist-mobilenet"}; boards=${2:-"zedboard zc706"}; trials=${3:-25}
figure=${SPARSE_CYCLES:-lane-max}
nice dotnet build src/Hass.Cli -c Release -v q -nologo >/dev/null
hass=src/Hass.Cli/bin/Release/net10.0/hass
work=$(mktemp -d)
store="$work/fidelity.db"
emulators=()
trap 'for p in "${emulators[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
port=5700
echo "date $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, sparseCycles $figure, $trials trials"
for board in $boards; do
  port=$((port + 1))
  nice "$hass" board emulate --tcp "127.0.0.1:$port" --board "boards/$board.json" > "$work/emulator-$board.log" 2>&1 &
  emulators+=($!)
  for _ in $(seq 50); do grep -q listening "$work/emulator-$board.log" && break; sleep 0.2; done
  for model in $models; do
    name="fidelity-$model-$board"
    sed -e "s/\"model\": \"fmnist-vgg\"/\"model\": \"$model\"/" -e "s/\"sparseCycles\": \"lane-max\"/\"sparseCycles\": \"$figure\"/" \
      bench/fidelity/campaign.json > "$work/$name.json"
    nice "$hass" run "$work/$name.json" --store "$store" --name "$name" --board "$board" --trials "$trials" > "$work/$name.log" 2>&1
    # Top 10 distinct designs by predicted throughput: trial, predicted img/s, interval and batch latency.
    "$hass" trials "$name" --store "$store" --sort throughput --json 2>/dev/null | python3 bench/fidelity/top.py 10 > "$work/$name.top"
    if [ ! -s "$work/$name.top" ]; then echo "$name: no trial with a design (see $work/$name.log)"; continue; fi
    while read -r trial predicted interval latency batch clock; do
      measured=$(nice "$hass" board measure "$name" --trial "$trial" --link "tcp:127.0.0.1:$port" --store "$store" \
        --repeats 1 --images 24 --warmup 6 | sed -n 's/^measured *\([0-9.]*\) img\/s.*/\1/p')
      echo "$name $trial $predicted $measured $interval $latency $batch $clock" >> "$work/rows.txt"
    done < "$work/$name.top"
    read -r trial predicted interval latency batch clock < "$work/$name.top"
    one=$(nice "$hass" board measure "$name" --trial "$trial" --link "tcp:127.0.0.1:$port" --store "$store" \
      --repeats 1 --images 1 --warmup 0 | sed -n 's/^measured *\([0-9.]*\) img\/s.*/\1/p')
    echo "$name $trial $one $interval $latency $batch $clock" >> "$work/latency.txt"
  done
done
python3 bench/fidelity/table.py "$work/rows.txt" "$work/latency.txt"
echo "work folder (logs, store): $work"
