import DuetConfiguration
import DuetNumerics

/// How a relation's difference r = R − R̃ is penalised.
public enum RelationPenalty: String, ConfigurationChoice {
    /// PyTorch's `smooth_l1_loss` with β = 1 (the Huber loss): ρ(r) = r²/2 for |r| < 1, |r| − 1/2 beyond; the
    /// relational-distillation papers' choice.
    case huber
    /// ρ(r) = r².
    case squared

    /// ρ(r).
    public func value(_ r: Double) -> Double {
        switch self {
        case .huber: return abs(r) < 1 ? 0.5 * r * r : abs(r) - 0.5
        case .squared: return r * r
        }
    }

    /// ρ′(r).
    public func derivative(_ r: Double) -> Double {
        switch self {
        case .huber: return abs(r) < 1 ? r : (r > 0 ? 1 : -1)
        case .squared: return 2 * r
        }
    }
}

/// Relational distillation's *sample relations* (Park et al., "Relational Knowledge Distillation", 2019; the word
/// relation of Park, Kim and Yang, "Distilling Linguistic Context for Language Model Compression", 2021): instead
/// of matching each state's output, match how the outputs of a batch of B states relate to each other, which
/// needs no common width, so that actors of different sizes and architectures can distil.
///
/// For features xᵢ of the batch (the actions, or the last hidden layer), over ordered pairs i ≠ j:
/// - **distance**: Dᵢⱼ = ‖xᵢ − xⱼ‖ / μ_D, with μ_D = (1/P)·Σ_{i≠j} ‖xᵢ − xⱼ‖, P = B(B − 1): the pairwise distances
///   normalised by their mean (scale-free, as RKD's);
/// - **angle**: Aᵢⱼ = cos∠(xᵢ − x̄, xⱼ − x̄), x̄ the batch mean: the cosine of the angle between two states'
///   features seen from the batch's centre. Cosines are scale-free already, and their mean can be zero or
///   negative, so they are not divided by it. (With one-dimensional actions every angle is 0 or π: use
///   `features: hidden` there.)
///
/// The loss is L = λ_D·Σ_{i≠j} ωᵢⱼ·ρ(Dᵢⱼ − D̃ᵢⱼ) + λ_A·Σ_{i≠j} ωᵢⱼ·ρ(Aᵢⱼ − Ãᵢⱼ), with R̃ the peer's relations (constants)
/// and pair weights ωᵢⱼ = (Σₖ wₖ)·wᵢwⱼ / Σ_{k≠l} wₖwₗ from the per-state distillation weights w: pairs of states where
/// the peer is better weigh more, and the total weight is the states' (uniform weights give the mean over pairs).
public enum SampleRelations {
    /// A batch's relation matrices, `B × B` each (diagonals unused).
    public struct Matrices: Sendable, Equatable {
        /// Dᵢⱼ, the distances over their mean.
        public var distances: [[Double]]
        /// Aᵢⱼ, the centred cosines.
        public var angles: [[Double]]

        /// Relation matrices from their parts.
        public init(distances: [[Double]], angles: [[Double]]) {
            self.distances = distances
            self.angles = angles
        }
    }

    /// The relation matrices of the rows of `features` (B ≥ 2 rows for distances; the angle of a state at the
    /// batch centre is taken as 0).
    public static func matrices<Scalar: BLASScalar>(of features: Matrix<Scalar>) -> Matrices {
        let geometry = Geometry(features)
        let count = geometry.count
        func rows(_ flat: [Double]) -> [[Double]] { (0..<count).map { Array(flat[($0 * count)..<($0 * count + count)]) } }
        return Matrices(distances: rows(geometry.normalisedDistances), angles: rows(geometry.cosines))
    }

    /// L at `features` against the peer's relations `target`, with pair weights from `weights` and the
    /// relations' coefficients; ∂L/∂features written into `gradient`.
    ///
    /// The loops run over flat row-major buffers (B × B relations, B × d features); every sum is taken in the
    /// order of the formulas (pairs i, then j; features k), so the result does not depend on the layout.
    /// - Precondition: one weight per row, B ≥ 2, and matrices of the same B.
    public static func loss<Scalar: BLASScalar>(features: Matrix<Scalar>, target: Matrices, weights: [Double],
                                                distanceWeight: Double, angleWeight: Double,
                                                penalty: RelationPenalty, gradient: inout Matrix<Scalar>) -> Double {
        let count = features.rows
        precondition(count >= 2, "relations need a batch of at least two states")
        precondition(weights.count == count && target.distances.count == count,
                     "one weight and one relation row per state")
        let pairWeights = flatPairWeights(weights)
        let targetDistances = Array(target.distances.joined())
        let targetAngles = Array(target.angles.joined())
        let geometry = Geometry(features)
        var total = 0.0
        // ∂L/∂dᵢⱼ for the raw distances and ∂L/∂Aᵢⱼ, per ordered pair (index i·B + j).
        var distanceGradient = [Double](repeating: 0, count: count * count)
        var angleGradient = distanceGradient
        if distanceWeight != 0 {
            var sum = 0.0  // Σ gᵢⱼ·Dᵢⱼ, for the mean's share of the gradient
            for i in 0..<count {
                for j in 0..<count where j != i {
                    let pair = i * count + j
                    let r = geometry.normalisedDistances[pair] - targetDistances[pair]
                    total += distanceWeight * pairWeights[pair] * penalty.value(r)
                    let g = distanceWeight * pairWeights[pair] * penalty.derivative(r)
                    distanceGradient[pair] = g
                    sum += g * geometry.normalisedDistances[pair]
                }
            }
            // Dᵢⱼ = dᵢⱼ/μ: ∂L/∂dₖₗ = gₖₗ/μ − (Σ gᵢⱼDᵢⱼ)/(μ·P).
            let pairs = Double(count * (count - 1))
            let mean = geometry.meanDistance
            for i in 0..<count {
                for j in 0..<count where j != i {
                    let pair = i * count + j
                    distanceGradient[pair] = mean > 0 ? distanceGradient[pair] / mean - sum / (mean * pairs) : 0
                }
            }
        }
        if angleWeight != 0 {
            for i in 0..<count {
                for j in 0..<count where j != i {
                    let pair = i * count + j
                    let r = geometry.cosines[pair] - targetAngles[pair]
                    total += angleWeight * pairWeights[pair] * penalty.value(r)
                    angleGradient[pair] = angleWeight * pairWeights[pair] * penalty.derivative(r)
                }
            }
        }
        let columns = features.columns
        var result = [Double](repeating: 0, count: count * columns)
        result.withUnsafeMutableBufferPointer { result in
            geometry.features.withUnsafeBufferPointer { x in
                // Distances: ∂dᵢⱼ/∂xᵢ = (xᵢ − xⱼ)/dᵢⱼ, and each unordered pair appears twice.
                for i in 0..<count {
                    for j in 0..<count where j != i {
                        let d = geometry.distances[i * count + j]
                        guard d > 0 else { continue }
                        let coefficient = (distanceGradient[i * count + j] + distanceGradient[j * count + i]) / d
                        Self.accumulate(into: result.baseAddress! + i * columns, count: columns) { lanes, k in
                            SIMD4(repeating: coefficient) * (lanes.load(x, i * columns + k) - lanes.load(x, j * columns + k))
                        } scalar: { k in
                            coefficient * (x[i * columns + k] - x[j * columns + k])
                        }
                    }
                }
            }
        }
        // Angles: ∂cᵢⱼ/∂zᵢ = (ẑⱼ − cᵢⱼ·ẑᵢ)/‖zᵢ‖ with z = x − x̄ and ẑ = z/‖z‖; then ∂/∂xₖ = ∂/∂zₖ − (1/B)·Σᵢ ∂/∂zᵢ.
        if angleWeight != 0 {
            let norms = geometry.centredNorms
            let unit = (0..<count * columns).map { index in geometry.centred[index] / norms[index / columns] }
            var centred = [Double](repeating: 0, count: count * columns)
            centred.withUnsafeMutableBufferPointer { centred in
                unit.withUnsafeBufferPointer { unit in
                    for i in 0..<count where norms[i] > 0 {
                        for j in 0..<count where j != i && norms[j] > 0 {
                            let g = angleGradient[i * count + j] + angleGradient[j * count + i]
                            let c = geometry.cosines[i * count + j]
                            let norm = norms[i]
                            Self.accumulate(into: centred.baseAddress! + i * columns, count: columns) { lanes, k in
                                let own = lanes.load(unit, i * columns + k), other = lanes.load(unit, j * columns + k)
                                return SIMD4(repeating: g) * (other - SIMD4(repeating: c) * own) / SIMD4(repeating: norm)
                            } scalar: { k in
                                g * (unit[j * columns + k] - c * unit[i * columns + k]) / norm
                            }
                        }
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

    /// Four lanes of a buffer at a time.
    struct Lanes {
        /// The four values from `buffer[start]` on.
        @inline(__always)
        func load(_ buffer: UnsafeBufferPointer<Double>, _ start: Int) -> SIMD4<Double> {
            SIMD4(buffer[start], buffer[start + 1], buffer[start + 2], buffer[start + 3])
        }
    }

    /// target[k] += term(k) for k in 0..<count: four lanes at a time (`vector` gives the terms k…k + 3), the rest
    /// one by one (`scalar`). Each lane does the scalar arithmetic, so the sums are the same to the bit either way.
    @inline(__always)
    static func accumulate(into target: UnsafeMutablePointer<Double>, count: Int,
                           vector: (Lanes, Int) -> SIMD4<Double>, scalar: (Int) -> Double) {
        var k = 0
        while k + 4 <= count {
            let sum = SIMD4(target[k], target[k + 1], target[k + 2], target[k + 3]) + vector(Lanes(), k)
            target[k] = sum[0]; target[k + 1] = sum[1]; target[k + 2] = sum[2]; target[k + 3] = sum[3]
            k += 4
        }
        while k < count {
            target[k] += scalar(k)
            k += 1
        }
    }

    /// ωᵢⱼ = (Σₖ wₖ)·wᵢwⱼ / Σ_{k≠l} wₖwₗ for i ≠ j (0 on the diagonal); uniform 1/P when every product is 0.
    public static func pairWeights(_ weights: [Double]) -> [[Double]] {
        let count = weights.count
        let flat = flatPairWeights(weights)
        return (0..<count).map { Array(flat[($0 * count)..<($0 * count + count)]) }
    }

    /// ``pairWeights(_:)`` as one row-major `B × B` array.
    static func flatPairWeights(_ weights: [Double]) -> [Double] {
        let count = weights.count
        let total = weights.reduce(0, +)
        let squares = weights.reduce(0) { $0 + $1 * $1 }
        let products = total * total - squares  // Σ_{k≠l} wₖwₗ
        var result = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in 0..<count where i != j {
                result[i * count + j] = products > 0 ? total * weights[i] * weights[j] / products
                    : total / Double(count * (count - 1))
            }
        }
        return result
    }

    /// The pairwise distances and centred cosines of a batch, in Double, as flat row-major arrays: `B × d` for
    /// the features and their centred copies, `B × B` for the relations (each unordered pair computed once; its
    /// mirror is the same number, (xᵢ − xⱼ)² and zᵢ·zⱼ being symmetric in floating point).
    struct Geometry {
        let count: Int
        let columns: Int
        var features: [Double]
        var distances: [Double]
        var meanDistance: Double
        var normalisedDistances: [Double]
        var centred: [Double]
        var centredNorms: [Double]
        var cosines: [Double]

        init<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>) {
            let count = matrix.rows, columns = matrix.columns
            self.count = count
            self.columns = columns
            var x = [Double](repeating: 0, count: count * columns)
            matrix.withUnsafeBufferPointer { source in
                for index in 0..<count * columns { x[index] = Double(source[index]) }
            }
            features = x
            var distances = [Double](repeating: 0, count: count * count)
            let xT = Self.transposed(x, rows: count, columns: columns)
            x.withUnsafeBufferPointer { x in
                xT.withUnsafeBufferPointer { xT in
                    distances.withUnsafeMutableBufferPointer { out in
                        for i in 0..<count {
                            // Four partners j at a time, each lane summing over k in order as the scalar loop does.
                            var j = i + 1
                            while j + 4 <= count {
                                var sum = SIMD4<Double>()
                                for k in 0..<columns {
                                    let partners = SIMD4(xT[k * count + j], xT[k * count + j + 1],
                                                         xT[k * count + j + 2], xT[k * count + j + 3])
                                    let difference = SIMD4(repeating: x[i * columns + k]) - partners
                                    sum += difference * difference
                                }
                                for lane in 0..<4 {
                                    let distance = sum[lane].squareRoot()
                                    out[i * count + j + lane] = distance
                                    out[(j + lane) * count + i] = distance
                                }
                                j += 4
                            }
                            while j < count {
                                var sum = 0.0
                                for k in 0..<columns {
                                    let difference = x[i * columns + k] - x[j * columns + k]
                                    sum += difference * difference
                                }
                                let distance = sum.squareRoot()
                                out[i * count + j] = distance
                                out[j * count + i] = distance
                                j += 1
                            }
                        }
                    }
                }
            }
            self.distances = distances
            let mean = distances.reduce(0, +) / Double(max(count * (count - 1), 1))
            meanDistance = mean
            normalisedDistances = distances.map { mean > 0 ? $0 / mean : 0 }
            var centre = [Double](repeating: 0, count: columns)
            for k in 0..<columns {
                var sum = 0.0
                for i in 0..<count { sum += x[i * columns + k] }
                centre[k] = sum / Double(max(count, 1))
            }
            var z = [Double](repeating: 0, count: count * columns)
            var norms = [Double](repeating: 0, count: count)
            for i in 0..<count {
                var sum = 0.0
                for k in 0..<columns {
                    let value = x[i * columns + k] - centre[k]
                    z[i * columns + k] = value
                    sum += value * value
                }
                norms[i] = sum.squareRoot()
            }
            centred = z
            centredNorms = norms
            var cosines = [Double](repeating: 0, count: count * count)
            let zT = Self.transposed(z, rows: count, columns: columns)
            z.withUnsafeBufferPointer { z in
                zT.withUnsafeBufferPointer { zT in
                    cosines.withUnsafeMutableBufferPointer { out in
                        for i in 0..<count where norms[i] > 0 {
                            var j = i
                            while j + 4 <= count {
                                var dot = SIMD4<Double>()
                                for k in 0..<columns {
                                    let partners = SIMD4(zT[k * count + j], zT[k * count + j + 1],
                                                         zT[k * count + j + 2], zT[k * count + j + 3])
                                    dot += SIMD4(repeating: z[i * columns + k]) * partners
                                }
                                for lane in 0..<4 where norms[j + lane] > 0 {
                                    let cosine = dot[lane] / (norms[i] * norms[j + lane])
                                    out[i * count + j + lane] = cosine
                                    out[(j + lane) * count + i] = cosine
                                }
                                j += 4
                            }
                            while j < count {
                                if norms[j] > 0 {
                                    var dot = 0.0
                                    for k in 0..<columns { dot += z[i * columns + k] * z[j * columns + k] }
                                    let cosine = dot / (norms[i] * norms[j])
                                    out[i * count + j] = cosine
                                    out[j * count + i] = cosine
                                }
                                j += 1
                            }
                        }
                    }
                }
            }
            self.cosines = cosines
        }

        /// The `columns × rows` transpose of a row-major `rows × columns` array.
        static func transposed(_ values: [Double], rows: Int, columns: Int) -> [Double] {
            var result = [Double](repeating: 0, count: values.count)
            for row in 0..<rows {
                for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
            }
            return result
        }
    }
}
