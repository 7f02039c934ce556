import DuetDistillation
import DuetNumerics

// SampleRelations as it was written first (nested arrays, zip and reduce), kept verbatim as the reference the
// flat-buffer implementation must reproduce bit for bit (SampleRelationsTests).

/// The first implementation of ``SampleRelations``: the same sums in the same order, on nested arrays.
enum SampleRelationsReference {
    /// The relation matrices of the rows of `features` (B ≥ 2 rows for distances; the angle of a state at the
    /// batch centre is taken as 0).
    static func matrices<Scalar: BLASScalar>(of features: Matrix<Scalar>) -> SampleRelations.Matrices {
        let geometry = Geometry(features)
        return SampleRelations.Matrices(distances: geometry.normalisedDistances, angles: geometry.cosines)
    }

    /// L at `features` against the peer's relations `target`, with pair weights from `weights` and the
    /// relations' coefficients; ∂L/∂features written into `gradient`.
    /// - Precondition: one weight per row, B ≥ 2, and matrices of the same B.
    static func loss<Scalar: BLASScalar>(features: Matrix<Scalar>, target: SampleRelations.Matrices, weights: [Double],
                                                distanceWeight: Double, angleWeight: Double,
                                                penalty: RelationPenalty, gradient: inout Matrix<Scalar>) -> Double {
        let count = features.rows
        precondition(count >= 2, "relations need a batch of at least two states")
        precondition(weights.count == count && target.distances.count == count,
                     "one weight and one relation row per state")
        let pairWeights = Self.pairWeights(weights)
        let geometry = Geometry(features)
        var total = 0.0
        // ∂L/∂dᵢⱼ for the raw distances and ∂L/∂Aᵢⱼ, per ordered pair.
        var distanceGradient = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
        var angleGradient = distanceGradient
        if distanceWeight != 0 {
            var sum = 0.0  // Σ gᵢⱼ·Dᵢⱼ, for the mean's share of the gradient
            for i in 0..<count {
                for j in 0..<count where j != i {
                    let r = geometry.normalisedDistances[i][j] - target.distances[i][j]
                    total += distanceWeight * pairWeights[i][j] * penalty.value(r)
                    let g = distanceWeight * pairWeights[i][j] * penalty.derivative(r)
                    distanceGradient[i][j] = g
                    sum += g * geometry.normalisedDistances[i][j]
                }
            }
            // Dᵢⱼ = dᵢⱼ/μ: ∂L/∂dₖₗ = gₖₗ/μ − (Σ gᵢⱼDᵢⱼ)/(μ·P).
            let pairs = Double(count * (count - 1))
            for i in 0..<count {
                for j in 0..<count where j != i {
                    distanceGradient[i][j] = geometry.meanDistance > 0
                        ? distanceGradient[i][j] / geometry.meanDistance - sum / (geometry.meanDistance * pairs) : 0
                }
            }
        }
        if angleWeight != 0 {
            for i in 0..<count {
                for j in 0..<count where j != i {
                    let r = geometry.cosines[i][j] - target.angles[i][j]
                    total += angleWeight * pairWeights[i][j] * penalty.value(r)
                    angleGradient[i][j] = angleWeight * pairWeights[i][j] * penalty.derivative(r)
                }
            }
        }
        let columns = features.columns
        var result = [Double](repeating: 0, count: count * columns)
        // Distances: ∂dᵢⱼ/∂xᵢ = (xᵢ − xⱼ)/dᵢⱼ, and each unordered pair appears twice.
        for i in 0..<count {
            for j in 0..<count where j != i {
                let d = geometry.distances[i][j]
                guard d > 0 else { continue }
                let coefficient = (distanceGradient[i][j] + distanceGradient[j][i]) / d
                for k in 0..<columns {
                    result[i * columns + k] += coefficient * (geometry.features[i][k] - geometry.features[j][k])
                }
            }
        }
        // Angles: ∂cᵢⱼ/∂zᵢ = (ẑⱼ − cᵢⱼ·ẑᵢ)/‖zᵢ‖ with z = x − x̄; then ∂/∂xₖ = ∂/∂zₖ − (1/B)·Σᵢ ∂/∂zᵢ.
        if angleWeight != 0 {
            var centred = [Double](repeating: 0, count: count * columns)
            for i in 0..<count where geometry.centredNorms[i] > 0 {
                for j in 0..<count where j != i && geometry.centredNorms[j] > 0 {
                    let g = angleGradient[i][j] + angleGradient[j][i]
                    let c = geometry.cosines[i][j]
                    for k in 0..<columns {
                        let own = geometry.centred[i][k] / geometry.centredNorms[i]
                        let other = geometry.centred[j][k] / geometry.centredNorms[j]
                        centred[i * columns + k] += g * (other - c * own) / geometry.centredNorms[i]
                    }
                }
            }
            for k in 0..<columns {
                var mean = 0.0
                for i in 0..<count { mean += centred[i * columns + k] }
                mean /= Double(count)
                for i in 0..<count { result[i * columns + k] += centred[i * columns + k] - mean }
            }
        }
        gradient = Matrix(rows: count, columns: columns) { row, column in Scalar(result[row * columns + column]) }
        return total
    }

    /// ωᵢⱼ = (Σₖ wₖ)·wᵢwⱼ / Σ_{k≠l} wₖwₗ for i ≠ j (0 on the diagonal); uniform 1/P when every product is 0.
    static func pairWeights(_ weights: [Double]) -> [[Double]] {
        let count = weights.count
        let total = weights.reduce(0, +)
        let squares = weights.reduce(0) { $0 + $1 * $1 }
        let products = total * total - squares  // Σ_{k≠l} wₖwₗ
        return (0..<count).map { i in
            (0..<count).map { j in
                guard i != j else { return 0 }
                return products > 0 ? total * weights[i] * weights[j] / products
                    : total / Double(count * (count - 1))
            }
        }
    }

    /// The pairwise distances and centred cosines of a batch, in Double.
    struct Geometry {
        var features: [[Double]]
        var distances: [[Double]]
        var meanDistance: Double
        var normalisedDistances: [[Double]]
        var centred: [[Double]]
        var centredNorms: [Double]
        var cosines: [[Double]]

        init<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) {
            let count = matrix.rows
            let rows = (0..<count).map { row in (0..<matrix.columns).map { Double(matrix[row, $0]) } }
            features = rows
            let pairwise = rows.map { a in
                rows.map { b in zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
            }
            distances = pairwise
            let mean = pairwise.joined().reduce(0, +) / Double(max(count * (count - 1), 1))
            meanDistance = mean
            normalisedDistances = pairwise.map { row in row.map { mean > 0 ? $0 / mean : 0 } }
            let centre = (0..<matrix.columns).map { k in rows.reduce(0) { $0 + $1[k] } / Double(max(count, 1)) }
            let vectors = rows.map { row in zip(row, centre).map { $0 - $1 } }
            let norms = vectors.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            centred = vectors
            centredNorms = norms
            cosines = (0..<count).map { i in
                (0..<count).map { j in
                    guard norms[i] > 0 && norms[j] > 0 else { return 0 }
                    return zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 } / (norms[i] * norms[j])
                }
            }
        }
    }
}
