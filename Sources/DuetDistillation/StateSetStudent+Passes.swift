// The student network's passes, written out for the meta-gradient (`StateSetObjective.swift`): the forward pass
// keeping every activation, the backward pass, and the tangents of both along a parameter direction v
// (Pearlmutter's R-operator, "Fast exact multiplication by the Hessian", 1994), which give the Hessian-vector
// product H·v and the mixed products (∂²ℓ/∂X∂θ)·v exactly, at the cost of about two more passes.
//
// For a dense network a_0 = X, z_l = a_{l−1}·W_l + b_l, a_l = f_l(z_l) (l = 1 … L), a loss with output gradient
// g_L = ∂ℓ/∂a_L, and a direction v = (V_l, c_l) for (W_l, b_l), write ȧ for the derivative along v:
//
//   forward tangent    ż_l = ȧ_{l−1}·W_l + a_{l−1}·V_l + c_l,   ȧ_l = f_l′ ⊙ ż_l,   ȧ_0 = 0
//   backward           δ_l = g_l ⊙ f_l′,   ∂ℓ/∂W_l = a_{l−1}ᵀ·δ_l,   ∂ℓ/∂b_l = 1ᵀ·δ_l,   g_{l−1} = δ_l·W_lᵀ
//   backward tangent   δ̇_l = ġ_l ⊙ f_l′ + g_l ⊙ (f_l′)˙,
//                      (∂ℓ/∂W_l)˙ = ȧ_{l−1}ᵀ·δ_l + a_{l−1}ᵀ·δ̇_l,   (∂ℓ/∂b_l)˙ = 1ᵀ·δ̇_l,
//                      ġ_{l−1} = δ̇_l·W_lᵀ + δ_l·V_lᵀ
//
// with f′ and its tangent (f′)˙ written through the output a: identity 1 and 0; ReLU 1[a > 0] and 0 (almost
// everywhere); tanh 1 − a² and −2a·ȧ. The last g_0 is ∂ℓ/∂X and ġ_0 its tangent.
import DuetNumerics

/// Forward, backward and tangent passes of a student ``MLP`` (dense layers, no layer norms) in Double.
public enum StudentPasses {
    /// The tangent inputs of a backward pass: the direction v and what it changes upstream.
    public struct Tangent {
        /// The parameter direction v, shaped like the network.
        public var direction: MLP<Double>
        /// The forward tangents ȧ_0 … ȧ_L along v (from ``forwardTangents(of:activations:direction:)``).
        public var activations: [Matrix<Double>]
        /// ġ_L, the tangent of the output gradient ∂ℓ/∂a_L along v.
        public var outputGradient: Matrix<Double>

        /// The tangent inputs from their parts.
        public init(direction: MLP<Double>, activations: [Matrix<Double>], outputGradient: Matrix<Double>) {
            self.direction = direction
            self.activations = activations
            self.outputGradient = outputGradient
        }
    }

    /// What a backward pass returns: the gradients, and their tangents along v when asked.
    public struct Gradients {
        /// ∂ℓ/∂θ, shaped like the network.
        public var parameters: MLP<Double>
        /// ∂ℓ/∂X.
        public var input: Matrix<Double>
        /// (∂ℓ/∂θ)˙ = H·v, when a ``Tangent`` was given.
        public var parametersTangent: MLP<Double>?
        /// (∂ℓ/∂X)˙ = (∂²ℓ/∂X∂θ)·v, when a ``Tangent`` was given.
        public var inputTangent: Matrix<Double>?
    }

    /// The activations a_0 = X, a_1, …, a_L of the forward pass on `input` (a_L is the output).
    /// - Precondition: the network has no layer norms.
    public static func activations(of network: MLP<Double>, for input: Matrix<Double>) -> [Matrix<Double>] {
        precondition(!network.usesLayerNorm, "a student network has no layer norms")
        var result = [input]
        for (index, layer) in network.layers.enumerated() {
            var output = Matrix<Double>()
            layer.forward(result[index], into: &output)
            activation(of: network, layer: index).apply(to: &output)
            result.append(output)
        }
        return result
    }

    /// The forward tangents ȧ_0 = 0, ȧ_1, …, ȧ_L along the parameter direction `direction`.
    public static func forwardTangents(of network: MLP<Double>, activations: [Matrix<Double>],
                                       direction: MLP<Double>) -> [Matrix<Double>] {
        var result = [Matrix<Double>(rows: activations[0].rows, columns: activations[0].columns)]
        for (index, layer) in network.layers.enumerated() {
            // ż = ȧ_{l−1}·W + a_{l−1}·V + c, then ȧ = f′ ⊙ ż.
            var tangent = Matrix<Double>()
            direction.layers[index].forward(activations[index], into: &tangent)
            Matrix.multiply(result[index], layer.weight, beta: 1, into: &tangent)
            let slope = derivative(activation(of: network, layer: index), output: activations[index + 1])
            result.append(product(slope, tangent))
        }
        return result
    }

    /// The backward pass for the output gradient ∂ℓ/∂a_L, and with `tangent` also its tangent along v.
    public static func backward(of network: MLP<Double>, activations: [Matrix<Double>],
                                outputGradient: Matrix<Double>, tangent: Tangent? = nil) -> Gradients {
        var parameters = network.zeroed()
        var parametersTangent = network.zeroed()
        var gradient = outputGradient
        var gradientTangent = tangent?.outputGradient
        for index in stride(from: network.layers.count - 1, through: 0, by: -1) {
            let function = activation(of: network, layer: index)
            let output = activations[index + 1]
            let slope = derivative(function, output: output)
            let delta = product(gradient, slope)
            Matrix.multiply(activations[index], delta, transposingA: true, into: &parameters.layers[index].weight)
            parameters.layers[index].bias = columnSums(delta)
            let weight = network.layers[index].weight
            if let tangent, let incoming = gradientTangent {
                // δ̇ = ġ ⊙ f′ + g ⊙ (f′)˙
                var deltaTangent = product(incoming, slope)
                if let slopeTangent = derivativeTangent(function, output: output,
                                                        outputTangent: tangent.activations[index + 1]) {
                    deltaTangent = sum(deltaTangent, product(gradient, slopeTangent))
                }
                Matrix.multiply(tangent.activations[index], delta, transposingA: true,
                                into: &parametersTangent.layers[index].weight)
                Matrix.multiply(activations[index], deltaTangent, transposingA: true, beta: 1,
                                into: &parametersTangent.layers[index].weight)
                parametersTangent.layers[index].bias = columnSums(deltaTangent)
                var next = Matrix<Double>()
                Matrix.multiply(deltaTangent, weight, transposingB: true, into: &next)
                Matrix.multiply(delta, tangent.direction.layers[index].weight, transposingB: true, beta: 1, into: &next)
                gradientTangent = next
            }
            gradient = Matrix.product(delta, weight, transposingB: true)
        }
        return Gradients(parameters: parameters, input: gradient,
                         parametersTangent: tangent == nil ? nil : parametersTangent,
                         inputTangent: tangent == nil ? nil : gradientTangent)
    }

    /// f_l: the hidden activation below the last layer, the output activation at it.
    static func activation(of network: MLP<Double>, layer index: Int) -> Activation {
        index == network.layers.count - 1 ? network.outputActivation : network.hiddenActivation
    }

    /// f′ from the output a.
    static func derivative(_ function: Activation, output: Matrix<Double>) -> Matrix<Double> {
        switch function {
        case .identity: return Matrix(rows: output.rows, columns: output.columns, repeating: 1)
        case .relu: return map(output) { $0 > 0 ? 1 : 0 }
        case .tanh: return map(output) { 1 - $0 * $0 }
        }
    }

    /// (f′)˙ from a and ȧ, or `nil` where it is zero (identity, ReLU).
    static func derivativeTangent(_ function: Activation, output: Matrix<Double>,
                                  outputTangent: Matrix<Double>) -> Matrix<Double>? {
        switch function {
        case .identity, .relu: return nil
        case .tanh: return product(map(output) { -2 * $0 }, outputTangent)
        }
    }

    /// The element-wise product a ⊙ b.
    static func product(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        precondition(a.shape == b.shape, "an element-wise product of \(a.shape) and \(b.shape)")
        let left = a.scalars, right = b.scalars
        return Matrix(rows: a.rows, columns: a.columns, scalars: (0..<left.count).map { left[$0] * right[$0] })
    }

    /// The element-wise sum a + b.
    static func sum(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        let left = a.scalars, right = b.scalars
        return Matrix(rows: a.rows, columns: a.columns, scalars: (0..<left.count).map { left[$0] + right[$0] })
    }

    /// f applied to every element.
    static func map(_ a: Matrix<Double>, _ transform: (Double) -> Double) -> Matrix<Double> {
        Matrix(rows: a.rows, columns: a.columns, scalars: a.scalars.map(transform))
    }

    /// 1ᵀ·A, a 1 × columns row.
    static func columnSums(_ a: Matrix<Double>) -> Matrix<Double> {
        var sums = [Double](repeating: 0, count: a.columns)
        let values = a.scalars
        for row in 0..<a.rows {
            for column in 0..<a.columns { sums[column] += values[row * a.columns + column] }
        }
        return Matrix(rows: 1, columns: a.columns, scalars: sums)
    }
}
