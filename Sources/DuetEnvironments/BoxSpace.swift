import DuetRandom

/// A box in ℝⁿ: the product of the closed intervals [`low[i]`, `high[i]`], in `Float` like Gymnasium's
/// `spaces.Box(..., dtype=np.float32)`. Bounds may be infinite (a cart's velocity, say).
public struct BoxSpace: Sendable, Equatable {
    /// The lower bound of each component.
    public let low: [Float]
    /// The upper bound of each component.
    public let high: [Float]

    /// Creates the box [`low`, `high`].
    /// - Precondition: the bounds have the same count, are not NaN, and `low[i] ≤ high[i]`.
    public init(low: [Float], high: [Float]) {
        precondition(low.count == high.count, "box bounds differ in length: \(low.count) and \(high.count)")
        precondition(zip(low, high).allSatisfy { !$0.isNaN && !$1.isNaN && $0 <= $1 },
                     "box bounds must be ordered and not NaN: \(low), \(high)")
        self.low = low
        self.high = high
    }

    /// The symmetric box [−`high`, `high`].
    public init(symmetric high: [Float]) {
        self.init(low: high.map { -$0 }, high: high)
    }

    /// The number of components, n.
    public var dimension: Int { low.count }

    /// Whether every bound is finite, so ``sample(using:)`` can draw from the box.
    public var isBounded: Bool { low.allSatisfy(\.isFinite) && high.allSatisfy(\.isFinite) }

    /// Whether `point` has n components, each inside its interval (bounds included).
    public func contains(_ point: [Float]) -> Bool {
        point.count == dimension && point.indices.allSatisfy { low[$0] <= point[$0] && point[$0] <= high[$0] }
    }

    /// The component-wise nearest point of the box: `min(max(point[i], low[i]), high[i])`.
    /// - Precondition: `point.count == dimension`.
    public func clip(_ point: [Float]) -> [Float] {
        precondition(point.count == dimension, "clip needs \(dimension) components, got \(point.count)")
        return point.indices.map { min(max(point[$0], low[$0]), high[$0]) }
    }

    /// A uniform draw from the box: component i is `low[i] + (high[i] − low[i])·u` with u from
    /// ``RandomStream/uniform()``, drawn in component order and rounded to `Float`.
    /// - Precondition: ``isBounded``.
    public func sample(using random: RandomStream) -> [Float] {
        precondition(isBounded, "cannot sample uniformly from an unbounded box")
        return (0..<dimension).map { index in
            Float(random.uniform(from: Double(low[index]), to: Double(high[index])))
        }
    }
}
