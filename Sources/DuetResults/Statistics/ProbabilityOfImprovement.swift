/// The probability of improvement P(X > Y) of arm X over arm Y (rliable).
///
/// On task m, with X's runs x₁…x_N and Y's runs y₁…y_K,
///
///     P_m(X > Y) = (1 / (N·K)) Σᵢ Σⱼ S(xᵢ, yⱼ),   S(x, y) = 1 if x > y, ½ if x = y, 0 if x < y,
///
/// which is the Mann–Whitney U statistic of X divided by N·K: the chance that a random run of X beats a random
/// run of Y, ties counting half. The aggregate is the average over the M tasks, (1/M) Σ_m P_m. A value of 0.5 is
/// "no difference"; evidence that X improves on Y is the lower bound of the interval above 0.5.
public enum ProbabilityOfImprovement {
    /// P_m(X > Y) on one task. O((N + K) log K).
    /// - Precondition: both arms have at least one run.
    public static func onTask(_ x: [Double], _ y: [Double]) -> Double {
        precondition(!x.isEmpty && !y.isEmpty, "the probability of improvement needs runs in both arms")
        let sortedY = y.sorted()
        var wins = 0.0
        for value in x {
            let below = lowerBound(of: value, in: sortedY)
            let atOrBelow = upperBound(of: value, in: sortedY)
            wins += Double(below) + 0.5 * Double(atOrBelow - below)
        }
        return wins / (Double(x.count) * Double(y.count))
    }

    /// The average over tasks of ``onTask(_:_:)``; `x[m]` and `y[m]` are the two arms' runs on task m.
    /// - Precondition: the same number of tasks in both, each with at least one run.
    public static func estimate(_ x: [[Double]], _ y: [[Double]]) -> Double {
        precondition(x.count == y.count && !x.isEmpty,
                     "the probability of improvement needs the same tasks in both arms (\(x.count) and \(y.count))")
        var sum = 0.0
        for task in x.indices { sum += onTask(x[task], y[task]) }
        return sum / Double(x.count)
    }

    /// The bootstrap interval of ``estimate(_:_:)``: each replicate resamples X's runs and Y's runs
    /// independently within each task (``StratifiedBootstrap/replicateValues(of:_:using:statistic:)``).
    public static func interval(_ x: [[Double]], _ y: [[Double]], bootstrap: StratifiedBootstrap,
                                using source: inout some ResampleSource) -> ConfidenceInterval {
        bootstrap.interval(from: bootstrap.replicateValues(of: x, y, using: &source) { estimate($0, $1) })
    }

    /// The number of elements of `sorted` below `value`.
    private static func lowerBound(of value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The number of elements of `sorted` at or below `value`.
    private static func upperBound(of value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
