/// The element-wise and row-wise loops of the numeric core, over raw buffers.
///
/// Everything here is `@inlinable` so that it is specialised for `Float` or `Double` in the caller's module and
/// compiled to vector code (release builds target Haswell). Reductions and arithmetic over several streams are
/// written over `SIMD8` lanes with a scalar tail: the compiler may not reorder a scalar floating-point sum, and
/// `SIMD8` arithmetic compiles straight to AVX instructions. Comparisons and selects (ReLU) are plain loops left
/// to the auto-vectoriser, because generic SIMD masks (`.<`, `replacing(with:where:)`) are built lane by lane
/// through the stack. Index arithmetic wraps (`&+`, `&*`): callers guarantee the ranges.
@usableFromInline
enum Kernels<Scalar: BLASScalar> {
    /// Eight consecutive scalars from `pointer`, without alignment requirement.
    @inlinable @inline(__always)
    static func load(_ pointer: UnsafePointer<Scalar>) -> SIMD8<Scalar> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Scalar>.self)
    }

    /// Stores eight scalars at `pointer`, without alignment requirement.
    @inlinable @inline(__always)
    static func store(_ vector: SIMD8<Scalar>, _ pointer: UnsafeMutablePointer<Scalar>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: SIMD8<Scalar>.self)
    }

    /// `Σ xᵢ` over `count` entries.
    @inlinable
    static func sum(_ x: UnsafePointer<Scalar>, count: Int) -> Scalar {
        var first = SIMD8<Scalar>()
        var second = SIMD8<Scalar>()
        var index = 0
        while index &+ 16 <= count {
            first += load(x + index)
            second += load(x + (index &+ 8))
            index &+= 16
        }
        var total = (first + second).sum()
        while index < count {
            total += x[index]
            index &+= 1
        }
        return total
    }

    /// `Σ xᵢ·yᵢ` over `count` entries.
    @inlinable
    static func dot(_ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Scalar>, count: Int) -> Scalar {
        var first = SIMD8<Scalar>()
        var second = SIMD8<Scalar>()
        var index = 0
        while index &+ 16 <= count {
            first += load(x + index) * load(y + index)
            second += load(x + (index &+ 8)) * load(y + (index &+ 8))
            index &+= 16
        }
        var total = (first + second).sum()
        while index < count {
            total += x[index] * y[index]
            index &+= 1
        }
        return total
    }

    /// `Σ (xᵢ − c)²` over `count` entries.
    @inlinable
    static func sumOfSquaredDeviations(_ x: UnsafePointer<Scalar>, from center: Scalar, count: Int) -> Scalar {
        let centers = SIMD8<Scalar>(repeating: center)
        var first = SIMD8<Scalar>()
        var second = SIMD8<Scalar>()
        var index = 0
        while index &+ 16 <= count {
            let low = load(x + index) - centers
            let high = load(x + (index &+ 8)) - centers
            first += low * low
            second += high * high
            index &+= 16
        }
        var total = (first + second).sum()
        while index < count {
            let deviation = x[index] - center
            total += deviation * deviation
            index &+= 1
        }
        return total
    }

    /// Copies the `columns`-long `row` into each of the `rows` rows of `target` (a bias broadcast).
    @inlinable
    static func broadcast(row: UnsafePointer<Scalar>, into target: UnsafeMutablePointer<Scalar>,
                          rows: Int, columns: Int) {
        for index in 0..<rows {
            (target + index &* columns).update(from: row, count: columns)
        }
    }

    /// `accumulator[j] += Σᵢ matrix[i, j]`: adds the rows of a `rows × columns` matrix into one row.
    @inlinable
    static func addRows(of matrix: UnsafePointer<Scalar>, rows: Int, columns: Int,
                        into accumulator: UnsafeMutablePointer<Scalar>) {
        for row in 0..<rows {
            add(matrix + row &* columns, into: accumulator, count: columns)
        }
    }

    /// `y ← y + x` over `count` entries.
    @inlinable
    static func add(_ x: UnsafePointer<Scalar>, into y: UnsafeMutablePointer<Scalar>, count: Int) {
        var index = 0
        while index &+ 8 <= count {
            store(load(y + index) + load(x + index), y + index)
            index &+= 8
        }
        while index < count {
            y[index] += x[index]
            index &+= 1
        }
    }

    /// Applies `activation` in place to `count` entries.
    @inlinable
    static func activate(_ activation: Activation, _ values: UnsafeMutablePointer<Scalar>, count: Int) {
        switch activation {
        case .identity:
            break
        case .relu:
            // An unconditional store of max(y, 0) vectorises; `if y < 0 { y = 0 }` and SIMD masks do not.
            // Swift.max(NaN, 0) is NaN, as PyTorch's ReLU.
            for index in 0..<count {
                values[index] = Swift.max(values[index], 0)
            }
        case .tanh:
            for index in 0..<count {
                values[index] = Scalar.fastHyperbolicTangent(values[index])
            }
        }
    }

    /// `target ← gradient ⊙ f′`, where f′ is the activation's derivative written in terms of its output y
    /// (ReLU: 1 where y > 0; tanh: 1 − y²; identity: 1). `target` may be `gradient` itself.
    @inlinable
    static func activationBackward(_ activation: Activation, output: UnsafePointer<Scalar>,
                                   gradient: UnsafePointer<Scalar>, into target: UnsafeMutablePointer<Scalar>,
                                   count: Int) {
        var index = 0
        switch activation {
        case .identity:
            if UnsafePointer(target) != gradient { target.update(from: gradient, count: count) }
        case .relu:
            // Plain select loops vectorise (generic SIMD comparisons are built lane by lane). The in-place case
            // gets its own loop: in the general one the vectoriser's overlap check between `target` and
            // `gradient` would send it down the scalar, branching path.
            if UnsafePointer(target) == gradient {
                for index in 0..<count {
                    target[index] = output[index] > 0 ? target[index] : 0
                }
            } else {
                for index in 0..<count {
                    target[index] = output[index] > 0 ? gradient[index] : 0
                }
            }
        case .tanh:
            let ones = SIMD8<Scalar>(repeating: 1)
            while index &+ 8 <= count {
                let y = load(output + index)
                store(load(gradient + index) * (ones - y * y), target + index)
                index &+= 8
            }
            while index < count {
                let y = output[index]
                target[index] = gradient[index] * (1 - y * y)
                index &+= 1
            }
        }
    }

    /// Layer normalisation and activation of each row of a `rows × columns` matrix.
    ///
    /// For each row z: μ = mean(z), σ² = mean((z − μ)²), r = 1/√(σ² + ε), x̂ = (z − μ)·r, y = f(γ ⊙ x̂ + β).
    /// `values` holds z on entry and x̂ on return; `output` receives y; `inverseDeviations` receives r per row.
    @inlinable
    static func layerNormForward(_ values: UnsafeMutablePointer<Scalar>, output: UnsafeMutablePointer<Scalar>,
                                 inverseDeviations: UnsafeMutablePointer<Scalar>,
                                 gain: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>, epsilon: Scalar,
                                 activation: Activation, rows: Int, columns: Int) {
        let width = Scalar(columns)
        for row in 0..<rows {
            let z = values + row &* columns
            let y = output + row &* columns
            let mean = sum(z, count: columns) / width
            let variance = sumOfSquaredDeviations(z, from: mean, count: columns) / width
            let inverseDeviation = 1 / (variance + epsilon).squareRoot()
            inverseDeviations[row] = inverseDeviation
            let means = SIMD8<Scalar>(repeating: mean)
            let scales = SIMD8<Scalar>(repeating: inverseDeviation)
            var column = 0
            while column &+ 8 <= columns {
                let normalized = (load(z + column) - means) * scales
                store(normalized, z + column)
                store(normalized * load(gain + column) + load(bias + column), y + column)
                column &+= 8
            }
            while column < columns {
                let normalized = (z[column] - mean) * inverseDeviation
                z[column] = normalized
                y[column] = normalized * gain[column] + bias[column]
                column &+= 1
            }
            activate(activation, y, count: columns)
        }
    }

    /// The backward pass of
    /// ``layerNormForward(_:output:inverseDeviations:gain:bias:epsilon:activation:rows:columns:)``.
    ///
    /// Per row, with a = ∂L/∂(γ⊙x̂+β) = ∂L/∂y ⊙ f′ and g = a ⊙ γ:
    /// ∂L/∂γ += a ⊙ x̂, ∂L/∂β += a, and ∂L/∂z = r·(g − mean(g) − x̂·mean(g ⊙ x̂)).
    /// `gradient` holds ∂L/∂y on entry and ∂L/∂z on return. When `inputBiasGradient` is given, the rows of ∂L/∂z
    /// are also added into it (the bias gradient of the `Dense` layer that produced z).
    @inlinable
    static func layerNormBackward(_ gradient: UnsafeMutablePointer<Scalar>, normalized: UnsafePointer<Scalar>,
                                  output: UnsafePointer<Scalar>, inverseDeviations: UnsafePointer<Scalar>,
                                  gain: UnsafePointer<Scalar>, activation: Activation,
                                  gainGradient: UnsafeMutablePointer<Scalar>,
                                  biasGradient: UnsafeMutablePointer<Scalar>,
                                  inputBiasGradient: UnsafeMutablePointer<Scalar>?,
                                  rows: Int, columns: Int) {
        let width = Scalar(columns)
        for row in 0..<rows {
            let g = gradient + row &* columns
            let xHat = normalized + row &* columns
            activationBackward(activation, output: output + row &* columns, gradient: g, into: g, count: columns)
            var column = 0
            while column &+ 8 <= columns {
                let a = load(g + column)
                store(load(biasGradient + column) + a, biasGradient + column)
                store(load(gainGradient + column) + a * load(xHat + column), gainGradient + column)
                store(a * load(gain + column), g + column)
                column &+= 8
            }
            while column < columns {
                let a = g[column]
                biasGradient[column] += a
                gainGradient[column] += a * xHat[column]
                g[column] = a * gain[column]
                column &+= 1
            }
            let meanG = sum(g, count: columns) / width
            let meanGXHat = dot(g, xHat, count: columns) / width
            let inverseDeviation = inverseDeviations[row]
            let meansG = SIMD8<Scalar>(repeating: meanG)
            let meansGXHat = SIMD8<Scalar>(repeating: meanGXHat)
            let scales = SIMD8<Scalar>(repeating: inverseDeviation)
            column = 0
            while column &+ 8 <= columns {
                store(scales * (load(g + column) - meansG - load(xHat + column) * meansGXHat), g + column)
                column &+= 8
            }
            while column < columns {
                g[column] = inverseDeviation * (g[column] - meanG - xHat[column] * meanGXHat)
                column &+= 1
            }
            if let inputBiasGradient {
                add(g, into: inputBiasGradient, count: columns)
            }
        }
    }

    /// One Adam step over `count` entries (see ``Adam``): with g ← g + λθ when λ ≠ 0,
    /// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − s·m / (√v·c + ε), where s = α/(1 − β₁ᵗ) and
    /// c = 1/√(1 − β₂ᵗ). √v comes from ``BLASScalar/vectorSquareRoot(_:)`` in the vector loop (a few ulps; a
    /// scalar square root here would make the step three times slower) and from `squareRoot()` in the tail.
    @inlinable
    static func adamStep(parameters theta: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>,
                         firstMoment m: UnsafeMutablePointer<Scalar>, secondMoment v: UnsafeMutablePointer<Scalar>,
                         count: Int, beta1: Scalar, beta2: Scalar, epsilon: Scalar, weightDecay: Scalar,
                         stepSize: Scalar, secondCorrection: Scalar) {
        let decays = SIMD8<Scalar>(repeating: weightDecay)
        let beta1s = SIMD8<Scalar>(repeating: beta1)
        let beta2s = SIMD8<Scalar>(repeating: beta2)
        let oneMinusBeta1s = SIMD8<Scalar>(repeating: 1 - beta1)
        let oneMinusBeta2s = SIMD8<Scalar>(repeating: 1 - beta2)
        let epsilons = SIMD8<Scalar>(repeating: epsilon)
        let stepSizes = SIMD8<Scalar>(repeating: stepSize)
        let corrections = SIMD8<Scalar>(repeating: secondCorrection)
        let decaying = weightDecay != 0
        var index = 0
        while index &+ 8 <= count {
            let parameters = load(theta + index)
            var g = load(gradient + index)
            if decaying { g += decays * parameters }
            let first = beta1s * load(m + index) + oneMinusBeta1s * g
            let second = beta2s * load(v + index) + oneMinusBeta2s * g * g
            store(first, m + index)
            store(second, v + index)
            store(parameters - stepSizes * first / (Scalar.vectorSquareRoot(second) * corrections + epsilons),
                  theta + index)
            index &+= 8
        }
        while index < count {
            var g = gradient[index]
            if decaying { g += weightDecay * theta[index] }
            let first = beta1 * m[index] + (1 - beta1) * g
            let second = beta2 * v[index] + (1 - beta2) * g * g
            m[index] = first
            v[index] = second
            theta[index] -= stepSize * first / (second.squareRoot() * secondCorrection + epsilon)
            index &+= 1
        }
    }

    /// `target ← target·(1 − τ) + τ·source` over `count` entries (Polyak averaging).
    @inlinable
    static func polyak(_ target: UnsafeMutablePointer<Scalar>, toward source: UnsafePointer<Scalar>, rate tau: Scalar,
                       count: Int) {
        let keeps = SIMD8<Scalar>(repeating: 1 - tau)
        let taus = SIMD8<Scalar>(repeating: tau)
        var index = 0
        while index &+ 8 <= count {
            store(load(target + index) * keeps + taus * load(source + index), target + index)
            index &+= 8
        }
        while index < count {
            target[index] = target[index] * (1 - tau) + tau * source[index]
            index &+= 1
        }
    }
}
