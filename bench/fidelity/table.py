"""Prints the fidelity table (markdown) from run.sh's rows: per design predicted vs measured img/s, per campaign
max |predicted/measured − 1| and Kendall τ between the predicted and measured ranking, and batch-1 latency."""
import sys
from collections import defaultdict
from itertools import combinations

def kendall(xs, ys):
    """Kendall's tau-b: (concordant - discordant) / sqrt((pairs - ties in x)(pairs - ties in y))."""
    pairs = list(combinations(range(len(xs)), 2))
    sign = lambda v: (v > 0) - (v < 0)
    s = sum(sign(xs[i] - xs[j]) * sign(ys[i] - ys[j]) for i, j in pairs)
    tied_x = sum(1 for i, j in pairs if xs[i] == xs[j])
    tied_y = sum(1 for i, j in pairs if ys[i] == ys[j])
    denominator = ((len(pairs) - tied_x) * (len(pairs) - tied_y)) ** 0.5
    return s / denominator if denominator else float("nan")

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
print("| campaign | designs | max abs(predicted/measured − 1) | Kendall τ-b (top designs) | discordant pairs / pairs measured apart |")
print("|---|---|---|---|---|")
for name, rs in rows.items():
    worst = max(abs(p / m - 1) for _, p, m in rs)
    xs, ys = [p for _, p, _ in rs], [m for _, _, m in rs]
    apart = [(i, j) for i, j in combinations(range(len(rs)), 2) if ys[i] != ys[j]]
    discordant = sum(1 for i, j in apart if (xs[i] - xs[j]) * (ys[i] - ys[j]) < 0)
    print(f"| {name} | {len(rs)} | {worst:.3f} | {kendall(xs, ys):.2f} | {discordant} / {len(apart)} |")
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
