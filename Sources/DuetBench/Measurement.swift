#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One timed benchmark: how long one call of the measured body takes.
public struct BenchmarkMeasurement: Sendable, Equatable {
    /// What was measured, e.g. `mlp.forward-backward.17-256-256-6.batch256`.
    public var name: String
    /// Calls timed in total, over all rounds.
    public var iterations: Int
    /// Median over rounds of the mean time per call, in seconds.
    public var secondsPerIteration: Double
    /// Fastest round's mean time per call, in seconds.
    public var fastestSecondsPerIteration: Double
    /// Optional throughput unit and count per call, e.g. ("GFLOP", 0.0503) or ("steps", 1).
    public var work: (unit: String, perIteration: Double)?

    /// Creates a measurement record.
    public init(name: String, iterations: Int, secondsPerIteration: Double, fastestSecondsPerIteration: Double,
                work: (unit: String, perIteration: Double)? = nil) {
        self.name = name
        self.iterations = iterations
        self.secondsPerIteration = secondsPerIteration
        self.fastestSecondsPerIteration = fastestSecondsPerIteration
        self.work = work
    }

    /// Work done per second at the median time, if a work unit was given.
    public var rate: Double? { work.map { $0.perIteration / secondsPerIteration } }

    /// Field by field, the work unit and count included (a tuple is not `Equatable`, so this is written out).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.iterations == rhs.iterations
            && lhs.secondsPerIteration == rhs.secondsPerIteration
            && lhs.fastestSecondsPerIteration == rhs.fastestSecondsPerIteration
            && lhs.work?.unit == rhs.work?.unit && lhs.work?.perIteration == rhs.work?.perIteration
    }
}

/// A monotonic clock reading in seconds.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Times `body`: a warm-up, then `rounds` rounds of at least `minimumRoundSeconds` each; reports the median
/// round's mean time per call (robust to a busy neighbour on the other core) and the fastest round.
///
/// - Parameters:
///   - name: the benchmark's name, printed and recorded in BENCHMARKS.md.
///   - rounds: number of timed rounds (odd gives a true median).
///   - minimumRoundSeconds: each round repeats `body` until at least this much time has passed.
///   - work: optional unit and amount of work per call, for a rate (e.g. GFLOP/s, steps/s).
///   - body: the code to time; it should do the same work on every call.
public func measure(_ name: String, rounds: Int = 5, minimumRoundSeconds: Double = 0.2,
                    work: (unit: String, perIteration: Double)? = nil,
                    _ body: () -> Void) -> BenchmarkMeasurement {
    // Warm-up, and a first estimate of the batch size that fills a round.
    var batch = 1
    while true {
        let start = monotonicSeconds()
        for _ in 0..<batch { body() }
        let elapsed = monotonicSeconds() - start
        if elapsed >= minimumRoundSeconds / 4 || batch >= 1 << 30 {
            batch = max(1, Int(Double(batch) * minimumRoundSeconds / max(elapsed, 1e-9)))
            break
        }
        batch *= 2
    }
    var perCall: [Double] = []
    for _ in 0..<max(1, rounds) {
        let start = monotonicSeconds()
        for _ in 0..<batch { body() }
        perCall.append((monotonicSeconds() - start) / Double(batch))
    }
    let sorted = perCall.sorted()
    return BenchmarkMeasurement(name: name, iterations: batch * perCall.count,
                                secondsPerIteration: sorted[sorted.count / 2],
                                fastestSecondsPerIteration: sorted[0], work: work)
}
