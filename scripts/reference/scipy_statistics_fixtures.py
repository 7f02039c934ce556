#!/usr/bin/env python3
"""Writes the SciPy reference values of Duet's paired and zero-variance statistics.

    python3 scripts/reference/scipy_statistics_fixtures.py

Pinned to SciPy 1.17.1 and NumPy 2.4.6 (it refuses to run with others, since `wilcoxon`'s choice of method has
changed between SciPy releases). It rewrites Tests/DuetResultsTests/Fixtures/scipy_statistics.json, which
WilcoxonTests and WelchZeroVarianceTests read. Its samples are written out below, not drawn at random, so the
file changes only if SciPy's answers do.

- wilcoxon: `scipy.stats.wilcoxon(d)` with every default (zero_method="wilcox", correction=False,
  alternative="two-sided", method="auto") on differences d: with and without ties and zeros, n from 1 to 120,
  so each of the three methods SciPy 1.17.1 picks is covered on both sides of its thresholds (a single zero
  difference, which SciPy refuses with a ValueError, is recorded with that error instead of numbers). Each case records
  the statistic min(R+, R-), the p-value, and which method gave it: "exact" (the exact null distribution),
  "permutation" (SciPy's exhaustive sign-flip permutation test) or "normal" (the normal approximation), seen
  by watching which of SciPy's internal calls the default run makes, so the method is SciPy's own behaviour and
  not this script's reading of its source. For the normal approximation it also records |z| from
  method="asymptotic".
- welch: `scipy.stats.ttest_ind(x, y, equal_var=False)`: t, df and p where one or both samples have zero
  variance, and two ordinary cases.

Non-finite numbers are written as the strings "nan", "inf" and "-inf" (JSON has no literal for them).
"""
import json
import math
import pathlib
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.stats import _wilcoxon

PINNED = {"scipy": "1.17.1", "numpy": "2.4.6"}
if scipy.__version__ != PINNED["scipy"] or np.__version__ != PINNED["numpy"]:
    raise SystemExit(f"needs scipy {PINNED['scipy']} and numpy {PINNED['numpy']}, "
                     f"found scipy {scipy.__version__} and numpy {np.__version__}")

OUTPUT = (pathlib.Path(__file__).resolve().parents[2]
          / "Tests" / "DuetResultsTests" / "Fixtures" / "scipy_statistics.json")


def number(value):
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def wilcoxon_method_used(d):
    """Which branch SciPy's `wilcoxon(d)` ran, seen by watching the two calls that only those branches make:
    the exact null distribution (`WilcoxonDistribution`) and `permutation_test`; neither means the normal
    approximation."""
    used = []
    distribution, permutation_test = _wilcoxon.WilcoxonDistribution, stats.permutation_test

    class Watched(distribution):
        def __init__(self, n):
            used.append("exact")
            super().__init__(n)

    def watched_permutation_test(*args, **kwargs):
        used.append("permutation")
        return permutation_test(*args, **kwargs)

    _wilcoxon.WilcoxonDistribution, stats.permutation_test = Watched, watched_permutation_test
    try:
        result = stats.wilcoxon(d)
    finally:
        _wilcoxon.WilcoxonDistribution, stats.permutation_test = distribution, permutation_test
    assert len(used) <= 1, used
    return result, (used[0] if used else "normal")


def wilcoxon_case(name, differences):
    d = np.asarray(differences, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result, method = wilcoxon_method_used(d)
        except ValueError as error:
            # A single zero difference: SciPy's permutation test refuses a sample of one.
            return {"name": name, "differences": [float(v) for v in d], "error": str(error)}
        # The watched run must be the ordinary one.
        assert same(float(stats.wilcoxon(d).pvalue), float(result.pvalue)), name
        asymptotic = stats.wilcoxon(d, method="asymptotic")
    case = {"name": name, "differences": [float(v) for v in d], "statistic": number(result.statistic),
            "p": number(result.pvalue), "method": method}
    if method == "normal":
        case["abs_z"] = number(abs(float(asymptotic.zstatistic)))
    return case


def spread(n, scale=1.0, shift=0.0):
    """n distinct values without ties: a fixed irrational stride folded into [-1, 1), scaled and shifted."""
    return [round(scale * (((k * 0.6180339887498949) % 1.0) * 2 - 1) + shift, 6) for k in range(1, n + 1)]


wilcoxon = [
    wilcoxon_case("one positive difference", [3.5]),
    wilcoxon_case("five positive, no ties (exact, smallest p for n = 5)", [1, 2, 3, 4, 5]),
    wilcoxon_case("ten returns differences, no ties", [12.4, -3.1, 25.0, 7.7, -15.2, 30.9, 4.4, -1.8, 19.5, 8.3]),
    wilcoxon_case("four, balanced (p clipped at 1)", [1, -2, -3, 4]),
    wilcoxon_case("seven, mixed signs, no ties", [0.21, -0.05, 0.33, -0.12, 0.08, 0.44, -0.29]),
    wilcoxon_case("twenty, no ties", spread(20, 1.0, 0.2)),
    wilcoxon_case("fifty, no ties (largest exact n)", spread(50, 2.0, 0.3)),
    wilcoxon_case("fifty, all positive (exact tail near 2^-49)", [k + 0.5 for k in range(50)]),
    wilcoxon_case("fifty-one, no ties (smallest normal n without ties)", spread(51, 2.0, 0.3)),
    wilcoxon_case("five with a tie (permutation)", [1, 2, 2, 3, -1]),
    wilcoxon_case("six with ties of opposite sign", [1.5, -1.5, 2, 3, -0.5, 4]),
    wilcoxon_case("eight with two zeros", [0, 4, -2, 0, 5, 6, 1, 3]),
    wilcoxon_case("thirteen with ties and a zero (largest permutation n)",
                  [0, 1, 1, -2, 3, 3, 3, 4, -5, 6, 7, 8, 9]),
    wilcoxon_case("three zeros (permutation, p = 1)", [0, 0, 0]),
    wilcoxon_case("one zero (SciPy raises)", [0]),
    wilcoxon_case("two equal positive differences", [1, 1]),
    wilcoxon_case("fourteen with one tie (smallest normal n with ties)",
                  [1, 2, 2, -3, 4, 5, 6, -7, 8, 9, 10, 11, -12, 13]),
    wilcoxon_case("fourteen zeros (normal, undefined)", [0] * 14),
    wilcoxon_case("thirty with zeros and ties", [0, 0, 0] + [((k % 7) - 2) * 0.5 for k in range(27)]),
    wilcoxon_case("sixty with ties", [((k * 7) % 11 - 4) for k in range(60)]),
    wilcoxon_case("sixty, no ties, centred (|z| below 1)", spread(60, 1.0, 0.01)),
    wilcoxon_case("one hundred twenty, no ties, shifted", spread(120, 1.0, 0.25)),
    wilcoxon_case("forty, all negative with ties", [-(k % 9 + 1) for k in range(40)]),
]


def welch_case(name, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.ttest_ind(x, y, equal_var=False)
    return {"name": name, "x": [float(v) for v in x], "y": [float(v) for v in y],
            "t": number(result.statistic), "df": number(result.df), "p": number(result.pvalue)}


welch = [
    welch_case("both zero variance, x below y", [1, 1, 1], [2, 2]),
    welch_case("both zero variance, x above y", [2, 2, 2, 2], [-1, -1, -1]),
    welch_case("both zero variance, equal means", [1, 1, 1], [1, 1]),
    welch_case("both zero variance, equal means, two each", [-0.5, -0.5], [-0.5, -0.5]),
    welch_case("x zero variance", [1, 1, 1], [1, 2, 3]),
    welch_case("y zero variance", [1, 2, 3, 6], [5, 5, 5, 5, 5]),
    welch_case("y zero variance, same mean as x", [1, 2, 3], [2, 2, 2]),
    welch_case("x almost constant in floating point (0.1 thrice has a tiny variance)", [0.1, 0.1, 0.1], [0.3, 0.3]),
    welch_case("ordinary", [-150.5, -170.25, -132.0, -160.75, -145.5], [-180.0, -205.5, -150.25, -190.0]),
    welch_case("ordinary, unequal sizes", [0.52, 0.61, 0.48, 0.55, 0.7, 0.43, 0.58], [0.41, 0.9, 0.2]),
]

fixture = {
    "generator": f"scripts/reference/scipy_statistics_fixtures.py with scipy {scipy.__version__}, "
                 f"numpy {np.__version__}",
    "wilcoxon": wilcoxon,
    "welch": welch,
}
OUTPUT.write_text("{\n" + ",\n".join(
    f' {json.dumps(key)}: ' + (json.dumps(value) if not isinstance(value, list)
                               else "[\n  " + ",\n  ".join(json.dumps(item) for item in value) + "\n ]")
    for key, value in fixture.items()) + "\n}\n")
print(f"wrote {OUTPUT}")
