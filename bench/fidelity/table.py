"""Prints the fidelity table (markdown) from run.sh's rows: per design predicted vs measured img/s, per campaign
max |predicted/measured − 1| and Kendall τ between the predicted and measured ranking, and batch-1 latency."""
import sys
from collections import defaultdict
from itertools import combinations

def kendall(xs, ys):
    pairs = list(combinations(range(len(xs)), 2))
    if not pairs:
        return float("nan")
    s = 0
    for i, j in pairs:
        a, b = xs[i] - xs[j], ys[i] - ys[j]
        s += (a > 0) - (a < 0) if b == 0 else ((a > 0) - (a < 0)) * ((b > 0) - (b < 0))
    return s / len(pairs)

rows = defaultdict(list)
for line in open(sys.argv[1]):
    name, trial, predicted, measured, *_ = line.split()
    rows[name].append((int(trial), float(predicted), float(measured)))
print("| campaign | trial | predicted img/s | measured img/s | predicted/measured |")
print("|---|---|---|---|---|")
for name, rs in rows.items():
    for trial, p, m in rs:
        print(f"| {name} | {trial} | {p:.1f} | {m:.1f} | {p / m:.3f} |")
print()
print("| campaign | designs | max abs(predicted/measured − 1) | Kendall τ (top designs) |")
print("|---|---|---|---|")
for name, rs in rows.items():
    worst = max(abs(p / m - 1) for _, p, m in rs)
    print(f"| {name} | {len(rs)} | {worst:.3f} | {kendall([p for _, p, _ in rs], [m for _, _, m in rs]):.2f} |")
print()
print("| campaign | trial | predicted batch-1 latency µs | measured µs | predicted/measured |")
print("|---|---|---|---|---|")
for line in open(sys.argv[2]):
    name, trial, one, interval, latency, batch, clock = line.split()
    # batch latency = (ceil(interval)·B + depth)/clock, so one image takes ceil(interval) + depth cycles.
    clock_hz = float(clock) * 1e6
    depth = float(latency) * clock_hz - int(-(-float(interval) // 1)) * int(batch)
    predicted = (int(-(-float(interval) // 1)) + depth) / clock_hz
    measured = 1 / float(one)
    print(f"| {name} | {trial} | {predicted * 1e6:.1f} | {measured * 1e6:.1f} | {predicted / measured:.3f} |")
