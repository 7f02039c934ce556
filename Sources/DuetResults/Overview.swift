// DuetResults: from run folders to the numbers and figures of a paper.
//
//   RunSet.load(from:)            run folders → Run (run.json + learner<k>/evaluations.csv [+ distillation.csv])
//   ScoreSet(runs:options:)       one score per run: final | auc | best; learners combined by mean | max;
//                                 optionally normalised (NormalisationTable); incomplete runs reported
//   Summary(runs:options:)        per (task, arm): runs, mean, median, IQM + 95% stratified-bootstrap CI,
//                                 optimality gap; each arm vs a baseline, unpaired: P(X > Y) + CI, ΔIQM + CI,
//                                 Welch's t per task; paired by seed (ScoreSet.pairing): mean and IQM of the
//                                 differences + CIs, Wilcoxon signed-rank per task (PairedComparison)
//                                 → text(), armsCSV(), comparisonsCSV(), pairedCSV(), pairsCSV(), json()
//   CurveSet(runs:options:)       learning curves aligned on a step grid, per-step mean / median / IQM / band
//                                 → tidyCSV(), wideCSV(), LearningCurvePlot.svg(_:options:)
//   DistillationDiagnostics(...)  distillation.csv over training → DistillationPlot.svg(_:options:)
//
// Statistics (rliable's definitions, reference-numbers.md §4) are plain functions on score arrays:
// Statistics, StratifiedBootstrap, ProbabilityOfImprovement, WelchTest, WilcoxonSignedRankTest,
// PerformanceProfile. WelchTest and WilcoxonSignedRankTest follow SciPy 1.17.1 (scripts/reference/scipy_*.py).
//
// Policies, each documented on its type:
// - Quantiles: linear interpolation between order statistics (NumPy's default; Statistics.quantile).
// - Bootstrap: stratified by task, percentile intervals, 50,000 replicates by default (5,000 per step for curve
//   bands, 1,000 for diagnostics), each interval from its own RandomStream named after what it estimates.
// - Alignment: values are compared only at equal steps; union grid by default (intersection on request), with a
//   per-step count of contributing runs (StepGrid, AlignedCurves).
// - Incomplete runs: runs ending before, or lacking steps that, other runs of their task have are reported as
//   warnings and included (or excluded on request) (IncompleteRunPolicy).
// - Dual runs: learners are combined only at steps both were evaluated at (RunCurve).
// - Normalisation: built-in entries for Pendulum-v1 and MountainCarContinuous-v0 only; other tasks need a
//   user CSV `task,random,reference` (NormalisationTable).
// - Output: fixed key and column orders, numbers in shortest round-trip form (NumberText), so results and
//   figures are byte-stable for the same data and seed.
