"""Reads `hass trials --json` (sorted by throughput) and prints the N best distinct designs:
trial, predicted img/s, interval cycles, batch latency s, batch size, clock MHz."""
import json, sys

limit = int(sys.argv[1])
seen = set()
for t in json.load(sys.stdin):
    design = t.get("design")
    if not design or t.get("predictedThroughput") is None:
        continue
    key = json.dumps([(l["layer"], l["folding"], l["sparse"]) for l in design["layers"]]) + str(t.get("layerSparsity"))
    if key in seen:
        continue
    seen.add(key)
    p = design["performance"]
    print(t["number"], t["predictedThroughput"], p["intervalCycles"], p["latencySeconds"], p["batchSize"], 200)
    if len(seen) == limit:
        break
