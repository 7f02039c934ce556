/// Which steps a group of runs' curves are put side by side at.
///
/// Runs of one group (one task and arm) can have different evaluation steps: a run that stopped early, a
/// missing evaluation row, a different evaluation frequency. Values are only ever compared at the same step;
/// a run without a value at a grid step contributes nothing there (its entry is nil, never a neighbouring
/// step's value), and each step's count says how many runs contributed.
public enum StepGrid: String, Sendable, Hashable, CaseIterable {
    /// Every step at which at least one run was evaluated (counts may vary along the curve).
    case union
    /// Only the steps at which every run was evaluated (the count is the number of runs everywhere).
    case intersection
}

/// The curves of a group of runs on a common step grid.
public struct AlignedCurves: Sendable, Equatable {
    /// The grid's steps, increasing.
    public var steps: [Int]
    /// The runs, in the order given (their paths, seeds, tasks and arms).
    public var runs: [RunCurve]
    /// `values[r][s]`: run r's value at `steps[s]`, or nil if run r was not evaluated at that step.
    public var values: [[Double?]]
    /// How many runs have a value at each step.
    public var counts: [Int]

    /// Aligns `curves` on the `grid` of their steps.
    public init(_ curves: [RunCurve], grid: StepGrid) {
        var steps: Set<Int> = []
        if let first = curves.first {
            steps = Set(first.steps)
            for curve in curves.dropFirst() {
                switch grid {
                case .union: steps.formUnion(curve.steps)
                case .intersection: steps.formIntersection(curve.steps)
                }
            }
        }
        self.steps = steps.sorted()
        self.runs = curves
        let position = Dictionary(uniqueKeysWithValues: self.steps.enumerated().map { ($0.element, $0.offset) })
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: self.steps.count), count: curves.count)
        var counts = [Int](repeating: 0, count: self.steps.count)
        for (run, curve) in curves.enumerated() {
            for (step, value) in zip(curve.steps, curve.values) {
                guard let index = position[step] else { continue }
                values[run][index] = value
                counts[index] += 1
            }
        }
        self.values = values
        self.counts = counts
    }

    /// The values present at grid position `index`, in run order.
    public func values(at index: Int) -> [Double] { values.compactMap { $0[index] } }
}
