"""Golden values for DuetResultsTests, computed independently of Duet with SciPy and NumPy.

Run from anywhere (Python 3.11, numpy, scipy):

    python3 Tests/DuetResultsTests/Fixtures/make_fixtures.py

It rewrites statistics.json next to this script. The numbers it holds:

- aggregates: mean, median (NumPy), IQM (scipy.stats.trim_mean(flat, 0.25), what rliable uses), optimality gap
  (rliable's formula, gamma - mean(minimum(scores, gamma))) of score matrices (tasks x runs).
- quantiles: np.percentile with its default ("linear") method.
- improvement: probability of improvement, per task scipy.stats.mannwhitneyu(x, y).statistic / (n * k)
  (SciPy's U counts ties as 1/2), averaged over tasks.
- welch: scipy.stats.ttest_ind(x, y, equal_var=False): t, df, two-sided p.
- replay: a naive NumPy stratified bootstrap (loops, no vectorisation) of the IQM, of the probability of
  improvement, of the IQM difference and of a performance profile, with every resampling index recorded in the
  order Duet draws them (replicate by replicate; task by task; X's resample, then Y's). Duet replays these
  indices and must reproduce the replicate values and the 2.5th/97.5th percentiles.
- exact: the exact bootstrap distribution of the IQM (2 tasks x 4 runs: all 256^2 stratified resamples) and of
  the probability of improvement (1 task, 3 + 3 runs: all 27^2 resamples), summarised by its 2.0, 2.5, 3.0,
  97.0, 97.5 and 98.0 percentiles. Duet's seeded Monte-Carlo interval must land between the 2.0 and 3.0 (lower)
  and the 97.0 and 98.0 (upper) percentiles.
"""

import itertools
import json
import pathlib

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20240601)


def rounded(array):
    return [[round(float(v), 3) for v in row] for row in array]


def iqm(matrix):
    return float(stats.trim_mean(np.concatenate([np.asarray(t, dtype=float) for t in matrix]), 0.25))


def probability_of_improvement(x, y):
    values = []
    for xs, ys in zip(x, y):
        u = stats.mannwhitneyu(xs, ys, alternative="two-sided").statistic
        values.append(u / (len(xs) * len(ys)))
    return float(np.mean(values))


def profile(matrix, thresholds):
    return [float(np.mean([np.mean(np.asarray(t) > tau) for t in matrix])) for tau in thresholds]


def resample(matrix, indices):
    """Naive stratified resample: task by task, len(task) indices each, recorded into `indices`."""
    result = []
    for task in matrix:
        drawn = rng.integers(0, len(task), size=len(task))
        indices.extend(int(i) for i in drawn)
        result.append([task[i] for i in drawn])
    return result


def percentile_interval(values):
    lower, upper = np.percentile(values, [2.5, 97.5])
    return float(lower), float(upper)


# Aggregates: various sizes so that 0.25 * n is and is not an integer, and ragged tasks.
aggregates = []
for shape in [(1, 1), (1, 3), (1, 4), (1, 7), (1, 10), (3, 5), (2, 13)]:
    matrix = rounded(rng.normal(0.6, 0.4, size=shape))
    flat = np.concatenate([np.asarray(t) for t in matrix])
    aggregates.append({
        "scores": matrix,
        "mean": float(np.mean(flat)),
        "median": float(np.median(flat)),
        "iqm": iqm(matrix),
        "optimality_gap": float(1.0 - np.mean(np.minimum(flat, 1.0))),
    })
ragged = [rounded(rng.normal(0.5, 0.3, size=(1, n)))[0] for n in (3, 6, 5)]
flat = np.concatenate([np.asarray(t) for t in ragged])
aggregates.append({"scores": ragged, "mean": float(np.mean(flat)), "median": float(np.median(flat)),
                   "iqm": iqm(ragged), "optimality_gap": float(1.0 - np.mean(np.minimum(flat, 1.0)))})

quantiles = []
for n in [1, 2, 5, 11, 40]:
    values = sorted(round(float(v), 3) for v in rng.normal(size=n))
    probabilities = [0.0, 0.025, 0.1, 0.5, 0.73, 0.975, 1.0]
    quantiles.append({"values": values, "probabilities": probabilities,
                      "expected": [float(np.percentile(values, 100 * p)) for p in probabilities]})

improvement = []
for tasks, n, k in [(1, 5, 5), (1, 4, 7), (3, 6, 6), (2, 10, 8)]:
    x = rounded(np.round(rng.normal(0.2, 1.0, size=(tasks, n)) * 2) / 2)  # coarse values: many ties
    y = rounded(np.round(rng.normal(0.0, 1.0, size=(tasks, k)) * 2) / 2)
    improvement.append({"x": x, "y": y, "probability": probability_of_improvement(x, y)})

welch = []
for n_x, n_y, mean_x, sd_x, mean_y, sd_y in [(5, 5, 1.0, 1.0, 0.0, 1.0), (10, 7, -150.0, 40.0, -180.0, 90.0),
                                             (3, 12, 0.5, 0.1, 0.45, 0.3), (20, 20, 0.0, 1.0, 0.0, 1.0),
                                             (4, 4, 10.0, 0.5, 2.0, 0.5)]:
    x = [round(float(v), 3) for v in rng.normal(mean_x, sd_x, size=n_x)]
    y = [round(float(v), 3) for v in rng.normal(mean_y, sd_y, size=n_y)]
    result = stats.ttest_ind(x, y, equal_var=False)
    welch.append({"x": x, "y": y, "t": float(result.statistic), "df": float(result.df), "p": float(result.pvalue)})

# Replayed bootstraps.
replicates = 400
scores = rounded(rng.normal(0.5, 0.3, size=(3, 6)))
indices = []
values = [iqm(resample(scores, indices)) for _ in range(replicates)]
lower, upper = percentile_interval(values)
replay_iqm = {"scores": scores, "replicates": replicates, "indices": indices, "values": values,
              "lower": lower, "upper": upper, "estimate": iqm(scores)}

x = rounded(np.round(rng.normal(0.3, 0.5, size=(2, 5)) * 4) / 4)
y = rounded(np.round(rng.normal(0.0, 0.5, size=(2, 6)) * 4) / 4)
indices = []
values = []
for _ in range(replicates):
    rx = resample(x, indices)
    ry = resample(y, indices)
    values.append(probability_of_improvement(rx, ry))
lower, upper = percentile_interval(values)
replay_improvement = {"x": x, "y": y, "replicates": replicates, "indices": indices, "values": values,
                      "lower": lower, "upper": upper, "estimate": probability_of_improvement(x, y)}

x = rounded(rng.normal(0.7, 0.3, size=(2, 7)))
y = rounded(rng.normal(0.5, 0.3, size=(2, 7)))
indices = []
values = []
for _ in range(replicates):
    rx = resample(x, indices)
    ry = resample(y, indices)
    values.append(iqm(rx) - iqm(ry))
lower, upper = percentile_interval(values)
replay_difference = {"x": x, "y": y, "replicates": replicates, "indices": indices, "values": values,
                     "lower": lower, "upper": upper, "estimate": iqm(x) - iqm(y)}

scores = rounded(rng.normal(0.5, 0.4, size=(2, 8)))
thresholds = [float(t) for t in np.linspace(-0.25, 1.25, 7)]
indices = []
replicate_profiles = [profile(resample(scores, indices), thresholds) for _ in range(replicates)]
bounds = np.percentile(np.asarray(replicate_profiles), [2.5, 97.5], axis=0)
replay_profile = {"scores": scores, "thresholds": thresholds, "fractions": profile(scores, thresholds),
                  "replicates": replicates, "indices": indices, "lower": [float(v) for v in bounds[0]],
                  "upper": [float(v) for v in bounds[1]]}

# Exact bootstrap distributions.
levels = [2.0, 2.5, 3.0, 97.0, 97.5, 98.0]
scores = rounded(rng.normal(0.5, 0.3, size=(2, 4)))
per_task = [list(itertools.product(task, repeat=len(task))) for task in scores]
exact_values = [iqm([a, b]) for a in per_task[0] for b in per_task[1]]
exact_iqm = {"scores": scores, "percentiles": dict(zip(map(str, levels),
                                                       map(float, np.percentile(exact_values, levels))))}

x = [[0.25, 0.5, 0.9]]  # overlapping arms, one tie, so the distribution is not degenerate
y = [[0.1, 0.5, 0.6]]
exact_values = [probability_of_improvement([list(a)], [list(b)])
                for a in itertools.product(x[0], repeat=3) for b in itertools.product(y[0], repeat=3)]
exact_improvement = {"x": x, "y": y, "percentiles": dict(zip(map(str, levels),
                                                             map(float, np.percentile(exact_values, levels))))}

fixture = {
    "generator": f"make_fixtures.py with numpy {np.__version__}, scipy {scipy.__version__}",
    "aggregates": aggregates,
    "quantiles": quantiles,
    "improvement": improvement,
    "welch": welch,
    "replay": {"iqm": replay_iqm, "improvement": replay_improvement, "iqm_difference": replay_difference,
               "profile": replay_profile},
    "exact": {"iqm": exact_iqm, "improvement": exact_improvement},
}
path = pathlib.Path(__file__).with_name("statistics.json")
# One top-level key per line keeps the file small and its diffs readable.
path.write_text("{\n" + ",\n".join(f" {json.dumps(key)}: {json.dumps(value)}" for key, value in fixture.items())
                + "\n}\n")
print(f"wrote {path}")
