#!/usr/bin/env bash
# Strategy comparison on the real pipeline (issue 5): tpe, uniform, greedy and random with the same trial budget,
# several seeds and boards, on the default model; prints the best feasible throughput of each run and the
# mean per strategy, with the ratio tpe/uniform. Run on demand (minutes to hours, by budget):
#   bench/compare-strategies.sh [trials=20] [seeds="0 1 2"] [boards="zedboard zc706"] [model=fmnist-vgg]
# STRATEGIES picks the strategies; besides the plugin's names, "hass" is the pipeline as the default campaign
# runs it, within the same budget: uniform for a third of the trials, then tpe warm-started from those.
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-20}; seeds=${2:-"0 1 2"}; boards=${3:-"zedboard zc706"}; model=${4:-fmnist-vgg}
strategies=${STRATEGIES:-"tpe uniform greedy random"}
dotnet build src/Hass.Cli -c Release -v q -nologo >/dev/null
hass=src/Hass.Cli/bin/Release/net10.0/hass
work=$(mktemp -d)
# The default campaign without its final phase, on the chosen model.
sed -e 's/"final": { "uniformBaselineTrials": 16 }/"final": { "enabled": false }/' -e "s/\"model\": \"fmnist-vgg\"/\"model\": \"$model\"/" \
  examples/fmnist-hass.json > "$work/campaign.json"
printf '%-10s %-8s %-5s %14s\n' board strategy seed "best img/s"
for board in $boards; do
  for strategy in $strategies; do
    for seed in $seeds; do
      # A run that fails is reported with its exit code and log, and the comparison goes on.
      code=0
      store="$work/$board-$strategy-$seed.db"
      if [ "$strategy" = hass ]; then
        first=$((trials / 3))
        "$hass" run "$work/campaign.json" --store "$store" --name "cmp-$board-$strategy-$seed-uniform" --board "$board" \
          --strategy uniform --seed "$seed" --trials "$first" --no-warm-start > "$work/$board-$strategy-$seed-uniform.log" 2>&1 || code=$?
        out=$("$hass" run "$work/campaign.json" --store "$store" --name "cmp-$board-$strategy-$seed" \
              --board "$board" --strategy tpe --seed "$seed" --trials "$((trials - first))" 2>&1) || code=$?
      else
        out=$("$hass" run "$work/campaign.json" --store "$store" --name "cmp-$board-$strategy-$seed" \
              --board "$board" --strategy "$strategy" --seed "$seed" --trials "$trials" --no-warm-start 2>&1) || code=$?
      fi
      echo "$out" > "$work/$board-$strategy-$seed.log"
      best=$(echo "$out" | sed -n 's/^best feasible: trial [0-9]*: \([0-9.]*\) img\/s.*/\1/p' | tail -n1)
      [ "$code" -ne 0 ] && best="failed(exit-$code)"
      printf '%-10s %-8s %-5s %14s\n' "$board" "$strategy" "$seed" "${best:-none}" | tee -a "$work/results.txt"
    done
  done
done
echo
echo "mean best feasible throughput per board and strategy (img/s; runs with a feasible design / runs), and tpe/uniform:"
awk '{ k = $1 " " $2; runs[k]++; if (!($1 in seen)) { seen[$1] = 1; order[++nb] = $1 } }
  $4 ~ /^[0-9.]+$/ { s[k] += $4; n[k]++ }
  END { for (i = 1; i <= nb; i++) { b = order[i]; line = b
          split("tpe hass uniform greedy random anneal nsga2", st, " ")
          for (j = 1; j <= 7; j++) { k = b " " st[j]; if (k in runs) line = line "  " st[j] "=" ((k in s) ? sprintf("%.1f", s[k] / n[k]) : "none") sprintf(" (%d/%d)", n[k], runs[k]) }
          if ((b " tpe") in s && (b " uniform") in s) line = line sprintf("  tpe/uniform=%.3f", (s[b " tpe"] / n[b " tpe"]) / (s[b " uniform"] / n[b " uniform"]))
          if ((b " hass") in s && (b " uniform") in s) line = line sprintf("  hass/uniform=%.3f", (s[b " hass"] / n[b " hass"]) / (s[b " uniform"] / n[b " uniform"]))
          print line } }' "$work/results.txt"
echo "(work folder: $work)"
