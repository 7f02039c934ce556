import DuetNumerics
import DuetRandom
import Foundation

/// Relational distillation's *layer relations* (the layer-transforming relation of Park, Kim and Yang,
/// "Distilling Linguistic Context for Language Model Compression", 2021): for each state, how the policy's
/// representation turns from one hidden layer to the next, matched to the peer's.
///
/// Each hidden layer's output hₗ(sᵢ) (width nₗ) is projected to a common width m by a fixed matrix Pₗ
/// (`nₗ × m`, entries N(0, 1/m), the same for every network with that layer index and width, see
/// ``projection(layer:width:commonWidth:)``): zₗ = hₗ·Pₗ. Random Gaussian projections keep cosines close
/// (Johnson–Lindenstrauss), so layers of any width become comparable. For state i,
/// Cᵢ[l, l′] = cos(zₗ(sᵢ), zₗ′(sᵢ)) over the H(H − 1)/2 pairs l < l′ of the H hidden layers, and
///
///     L = Σᵢ wᵢ · (1/Q)·Σ_{l<l′} ρ(Cᵢ[l, l′] − C̃ᵢ[l, l′]),   Q = H(H − 1)/2,
///
/// with C̃ the peer's (constants), w the per-state distillation weights and ρ a ``RelationPenalty``. It needs at
/// least two hidden layers, and the learner and its peer must have as many.
public enum LayerRelations {
    /// The fixed projection Pₗ for hidden layer `layer` of width `width` to `commonWidth` columns: N(0, 1/m)
    /// entries from a GSL stream seeded by (layer, width, m) alone, so every network, run and seed uses the same
    /// basis for a layer of that shape.
    public static func projection(layer: Int, width: Int, commonWidth: Int) -> Matrix<Float> {
        let seed = 0x4C41_5945_5200_0000 ^ UInt64(layer) << 40 ^ UInt64(width) << 20 ^ UInt64(commonWidth)
        let stream = RandomStream(seed: seed, name: "layer-projection")
        let deviation = 1 / Double(commonWidth).squareRoot()
        return Matrix(rows: width, columns: commonWidth) { _, _ in Float(stream.gaussian(standardDeviation: deviation)) }
    }

    /// The projections of a network whose hidden layers have `widths`, memoised (each is drawn once per
    /// process).
    public static func projections(for widths: [Int], commonWidth: Int) -> [Matrix<Float>] {
        widths.enumerated().map { layer, width in cache.projection(layer: layer, width: width, commonWidth: commonWidth) }
    }

    /// Projections already drawn, by (layer, width, m).
    private static let cache = ProjectionCache()

    /// A lock-protected memo of ``projection(layer:width:commonWidth:)``.
    private final class ProjectionCache: @unchecked Sendable {
        private let lock = NSLock()
        private var drawn: [[Int]: Matrix<Float>] = [:]

        func projection(layer: Int, width: Int, commonWidth: Int) -> Matrix<Float> {
            lock.lock()
            defer { lock.unlock() }
            let key = [layer, width, commonWidth]
            if let known = drawn[key] { return known }
            let made = LayerRelations.projection(layer: layer, width: width, commonWidth: commonWidth)
            drawn[key] = made
            return made
        }
    }

    /// Cᵢ[l, l′] for every state (rows) and pair l < l′ (columns, in the order (0,1), (0,2), …, (1,2), …) of the
    /// projected layers `projected` (one `N × m` matrix per hidden layer).
    public static func cosines<Scalar: BLASScalar>(_ projected: [Matrix<Scalar>]) -> [[Double]] {
        let count = projected.first?.rows ?? 0
        return (0..<count).map { i in
            pairs(projected.count).map { pair in
                let (a, b) = (projected[pair.0].row(i).map(Double.init), projected[pair.1].row(i).map(Double.init))
                let (na, nb) = (norm(a), norm(b))
                return na > 0 && nb > 0 ? zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (na * nb) : 0
            }
        }
    }

    /// The layers hₗ projected by Pₗ: zₗ = hₗ·Pₗ.
    public static func project<Scalar: BLASScalar>(_ hidden: [Matrix<Scalar>], by projections: [Matrix<Scalar>])
        -> [Matrix<Scalar>] {
        precondition(hidden.count == projections.count, "one projection per hidden layer")
        return zip(hidden, projections).map { layer, projection in
            var result = Matrix<Scalar>()
            Matrix.multiply(layer, projection, into: &result)
            return result
        }
    }

    /// L at the learner's hidden layers `hidden` (projected by `projections`) against the peer's cosines
    /// `target`, with per-state `weights`; ∂L/∂hₗ per layer written into `gradients`.
    /// - Precondition: at least two layers, one projection per layer, one weight and one target row per state.
    public static func loss<Scalar: BLASScalar>(hidden: [Matrix<Scalar>], projections: [Matrix<Scalar>],
                                                target: [[Double]], weights: [Double], penalty: RelationPenalty,
                                                gradients: inout [Matrix<Scalar>]) -> Double {
        precondition(hidden.count >= 2, "layer relations need at least two hidden layers")
        let projected = project(hidden, by: projections)
        let cosines = cosines(projected)
        let count = hidden[0].rows
        let layerPairs = pairs(hidden.count)
        precondition(target.count == count && weights.count == count, "one target row and weight per state")
        let pairCount = Double(layerPairs.count)
        let width = projections[0].columns
        var projectedGradients = projected.map { Matrix<Double>(rows: $0.rows, columns: $0.columns) }
        var total = 0.0
        for i in 0..<count {
            let vectors = projected.map { $0.row(i).map(Double.init) }
            let norms = vectors.map(norm)
            for (index, pair) in layerPairs.enumerated() {
                let r = cosines[i][index] - target[i][index]
                total += weights[i] * penalty.value(r) / pairCount
                let g = weights[i] * penalty.derivative(r) / pairCount
                let c = cosines[i][index]
                for (own, other) in [(pair.0, pair.1), (pair.1, pair.0)] where norms[own] > 0 && norms[other] > 0 {
                    // ∂cos(a, b)/∂a = (b̂ − cos·â)/‖a‖.
                    for k in 0..<width {
                        let unitOwn = vectors[own][k] / norms[own]
                        let unitOther = vectors[other][k] / norms[other]
                        projectedGradients[own][i, k] += g * (unitOther - c * unitOwn) / norms[own]
                    }
                }
            }
        }
        // ∂L/∂hₗ = ∂L/∂zₗ·Pₗᵀ.
        gradients = zip(projectedGradients, projections).map { gradient, projection in
            Matrix(rows: gradient.rows, columns: projection.rows) { row, column in
                var sum = 0.0
                for k in 0..<projection.columns { sum += gradient[row, k] * Double(projection[column, k]) }
                return Scalar(sum)
            }
        }
        return total
    }

    /// The pairs l < l′ of `count` layers, in order.
    static func pairs(_ count: Int) -> [(Int, Int)] {
        (0..<count).flatMap { l in ((l + 1)..<max(count, l + 1)).map { (l, $0) } }
    }

    static func norm(_ vector: [Double]) -> Double { vector.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
