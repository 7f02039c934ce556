import DuetNumerics
import Foundation

/// Timings of the numeric core, in Float with one BLAS thread: what `duet bench core` prints.
///
/// The cases, by name:
/// - `sgemm.256x256x256`: one bare 256×256×256 product, the BLAS ceiling (GFLOP/s).
/// - `sgemm.mlp-products.17-256-256-6.batch256`: the nine products of one forward and backward pass of the
///   network below (forward X·W, backward Xᵀ·∂Z and ∂Z·Wᵀ per layer, same shapes and transposes) as bare `gemm`
///   calls on preallocated matrices (GFLOP/s).
/// - `mlp.forward-backward.17-256-256-6.batch256` (ReLU) and `….layernorm.batch256` (Dense → LayerNorm → ReLU,
///   as the reference DDPG): one forward and one backward pass (with the input gradient) through the
///   allocation-free workspace path, counted in the GFLOP of the same nine products; the ratio of this rate to
///   the bare products' is the share of the time spent in BLAS, see ``efficiencyLines(_:)`` (target ≥ 70%).
/// - `mlp.forward.single.17-256-256-6` (ReLU, tanh output: an actor) and its `.layernorm` variant: batch-1
///   inference through `gemv`, time per call.
/// - `adam.update.17-256-256-6`: one Adam step over the same network's 71k parameters.
public enum NumericsBenchmarks {
    /// The widths of the benchmarked network: a 17-dimensional observation, two hidden layers of 256, 6 outputs.
    public static let widths = [17, 256, 256, 6]

    /// The batch size of the training benchmarks.
    public static let batchSize = 256

    /// Runs every case with `rounds` timed rounds each (median reported) and returns the measurements in the
    /// order listed above. Sets OpenBLAS to one thread for the duration and restores the previous count.
    public static func run(rounds: Int) -> [BenchmarkMeasurement] {
        BLASRuntime.withThreadCount(1) {
            var measurements: [BenchmarkMeasurement] = []
            measurements.append(bareProduct(rounds: rounds))
            // The bare products and the MLP run back to back, so that a busy neighbour skews their ratio least.
            measurements.append(bareNetworkProducts(rounds: rounds))
            measurements.append(trainingStep(usesLayerNorm: false, rounds: rounds))
            measurements.append(trainingStep(usesLayerNorm: true, rounds: rounds))
            measurements.append(singleInference(usesLayerNorm: false, rounds: rounds))
            measurements.append(singleInference(usesLayerNorm: true, rounds: rounds))
            measurements.append(adamUpdate(rounds: rounds))
            return measurements
        }
    }

    /// A line naming the BLAS kernels and threads the figures were made with, and a warning when OpenBLAS fell back
    /// to its generic kernels (figures then 5 to 10 times lower; set `OPENBLAS_CORETYPE`, see ``BLASRuntime``).
    public static func environmentLines() -> [String] {
        var lines = ["OpenBLAS core \(BLASRuntime.coreName), \(BLASRuntime.threadCount) thread(s) "
            + "(\(BLASRuntime.configuration.trimmingCharacters(in: .whitespaces)))"]
        if BLASRuntime.usesGenericKernels {
            lines.append("warning: OpenBLAS did not recognise this CPU and runs its generic Prescott kernels; "
                + "rerun with OPENBLAS_CORETYPE=SkylakeX (CPUs with AVX-512) or OPENBLAS_CORETYPE=Haswell (AVX2)")
        }
        return lines
    }

    /// One line per MLP case: its rate as a share of the bare-sgemm rate for the same products, e.g.
    /// `mlp.forward-backward.17-256-256-6.batch256: 93% of bare sgemm (112 GFLOP/s vs 120 GFLOP/s)`.
    public static func efficiencyLines(_ measurements: [BenchmarkMeasurement]) -> [String] {
        guard let bare = measurements.first(where: { $0.name.hasPrefix("sgemm.mlp-products") }),
              let bareRate = bare.rate else { return [] }
        return measurements.filter { $0.name.hasPrefix("mlp.forward-backward") }.compactMap { measurement in
            guard let rate = measurement.rate else { return nil }
            let percent = Int((100 * rate / bareRate).rounded())
            return "\(measurement.name): \(percent)% of bare sgemm (\(BenchmarkReport.formatRate(rate, unit: "GFLOP"))"
                + " vs \(BenchmarkReport.formatRate(bareRate, unit: "GFLOP")))"
        }
    }

    // MARK: Cases

    /// C = A·B for 256×256 matrices.
    static func bareProduct(rounds: Int) -> BenchmarkMeasurement {
        var source = benchmarkSource()
        let a = randomMatrix(rows: 256, columns: 256, using: &source)
        let b = randomMatrix(rows: 256, columns: 256, using: &source)
        var c = Matrix<Float>(rows: 256, columns: 256)
        return measure("sgemm.256x256x256", rounds: rounds, work: ("GFLOP", 2 * 256 * 256 * 256 / 1e9)) {
            Matrix.multiply(a, b, into: &c)
        }
    }

    /// Forward and backward through the workspace path, as a training step does.
    static func trainingStep(usesLayerNorm: Bool, rounds: Int) -> BenchmarkMeasurement {
        var source = benchmarkSource()
        let network = MLP<Float>(widths: widths, usesLayerNorm: usesLayerNorm, using: &source)
        let input = randomMatrix(rows: batchSize, columns: widths[0], using: &source)
        let outputGradient = randomMatrix(rows: batchSize, columns: widths[widths.count - 1], using: &source)
        var cache = MLP<Float>.Cache()
        var gradient = network.zeroed()
        let name = "mlp.forward-backward.\(widthsLabel)" + (usesLayerNorm ? ".layernorm" : "") + ".batch\(batchSize)"
        return measure(name, rounds: rounds, work: ("GFLOP", networkFlops / 1e9)) {
            network.forward(input, cache: &cache)
            network.backward(&cache, outputGradient: outputGradient, gradient: &gradient)
        }
    }

    /// The nine products of one forward and backward pass, as bare `gemm` calls on preallocated matrices.
    static func bareNetworkProducts(rounds: Int) -> BenchmarkMeasurement {
        var source = benchmarkSource()
        let layerCount = widths.count - 1
        let weights = (0..<layerCount).map { randomMatrix(rows: widths[$0], columns: widths[$0 + 1], using: &source) }
        // activations[0] is the input X; activations[l + 1] the output of layer l.
        var activations = (0...layerCount).map { randomMatrix(rows: batchSize, columns: widths[$0], using: &source) }
        var gradients = (0...layerCount).map { randomMatrix(rows: batchSize, columns: widths[$0], using: &source) }
        var weightGradients = weights
        return measure("sgemm.mlp-products.\(widthsLabel).batch\(batchSize)", rounds: rounds,
                       work: ("GFLOP", networkFlops / 1e9)) {
            for layer in 0..<layerCount {
                Matrix.multiply(activations[layer], weights[layer], into: &activations[layer + 1])
            }
            for layer in stride(from: layerCount - 1, through: 0, by: -1) {
                Matrix.multiply(activations[layer], gradients[layer + 1], transposingA: true,
                                into: &weightGradients[layer])
                Matrix.multiply(gradients[layer + 1], weights[layer], transposingB: true, into: &gradients[layer])
            }
        }
    }

    /// One observation through an actor by `gemv`.
    static func singleInference(usesLayerNorm: Bool, rounds: Int) -> BenchmarkMeasurement {
        var source = benchmarkSource()
        let network = MLP<Float>(widths: widths, outputActivation: .tanh, usesLayerNorm: usesLayerNorm,
                                 using: &source)
        let observation = (0..<widths[0]).map { _ in Float(source.nextUniform(from: -1, to: 1)) }
        var action = [Float](repeating: 0, count: widths[widths.count - 1])
        var buffers = MLP<Float>.InferenceBuffers()
        let name = "mlp.forward.single.\(widthsLabel)" + (usesLayerNorm ? ".layernorm" : "")
        return observation.withUnsafeBufferPointer { input in
            action.withUnsafeMutableBufferPointer { output in
                measure(name, rounds: rounds) {
                    network.forward(single: input, into: output, buffers: &buffers)
                }
            }
        }
    }

    /// One Adam step over the network's parameters.
    static func adamUpdate(rounds: Int) -> BenchmarkMeasurement {
        var source = benchmarkSource()
        var network = MLP<Float>(widths: widths, using: &source)
        var gradient = network.zeroed()
        for index in 0..<gradient.tensorCount {
            gradient.withTensor(at: index) { tensor in
                tensor = randomMatrix(rows: tensor.rows, columns: tensor.columns, using: &source, scale: 1e-3)
            }
        }
        var optimizer = Adam(for: network, learningRate: 1e-9)
        return measure("adam.update.\(widthsLabel)", rounds: rounds,
                       work: ("Mparameters", Double(network.scalarCount) / 1e6)) {
            optimizer.update(&network, along: gradient)
        }
    }

    // MARK: Helpers

    /// `17-256-256-6`.
    static var widthsLabel: String { widths.map(String.init).joined(separator: "-") }

    /// Floating-point operations of the nine products: forward X·W, backward Xᵀ·∂Z and ∂Z·Wᵀ, for each layer.
    static var networkFlops: Double {
        (0..<(widths.count - 1)).reduce(0) { total, layer in
            total + 3 * 2 * Double(batchSize) * Double(widths[layer]) * Double(widths[layer + 1])
        }
    }

    /// A fixed SplitMix64 source: the benchmarks need values, not a run's random streams.
    static func benchmarkSource() -> RandomDraws {
        var state: UInt64 = 0x5eed
        return RandomDraws(uniform: {
            state = state &+ 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        })
    }

    /// A matrix of uniform draws from [−scale, scale).
    static func randomMatrix(rows: Int, columns: Int, using source: inout RandomDraws, scale: Double = 1)
        -> Matrix<Float> {
        Matrix(rows: rows, columns: columns) { _, _ in Float(source.nextUniform(from: -scale, to: scale)) }
    }
}
