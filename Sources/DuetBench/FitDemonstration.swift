import DuetNumerics
import DuetRandom
import Foundation

/// The numeric core's demonstration (`duet demo`): a 1-64-64-1 tanh network fitted to y = sin(3x) on [−1, 1]
/// with Adam and mini-batches, printing the loss as it falls by orders of magnitude.
///
/// Everything random comes from one root seed through named streams: `data` (the training inputs),
/// `initialisation` (the weights) and `batches` (mini-batch sampling), so a seed reproduces the run exactly.
/// The learning rate decays linearly from α₀ to α₀/10 over the run, which lets the last steps settle.
public enum FitDemonstration {
    /// The network's widths.
    public static let widths = [1, 64, 64, 1]
    /// Training points drawn uniformly from [−1, 1].
    public static let trainingCount = 1024
    /// Evenly spaced evaluation points on [−1, 1].
    public static let evaluationCount = 201
    /// Samples per Adam step.
    public static let batchSize = 64
    /// The initial learning rate, α₀.
    public static let learningRate: Float = 3e-3

    /// The target function, sin(3x).
    public static func target(_ x: Double) -> Double { sin(3 * x) }

    /// Fits the network for `steps` Adam steps and calls `report` with a header, one line per tenth of the run
    /// (step, mini-batch loss, evaluation loss), and a summary.
    /// - Precondition: `steps` ≥ 1.
    public static func run(seed: UInt64, steps: Int, report: (String) -> Void) {
        precondition(steps >= 1, "the demonstration needs at least one step, got \(steps)")
        let start = monotonicSeconds()
        let root = RandomStream(seed: seed)
        let dataStream = root.child("data")
        let initialisationStream = root.child("initialisation")
        let batchStream = root.child("batches")

        // Data: training inputs drawn once, evaluation inputs on a grid.
        let trainingInputs = (0..<trainingCount).map { _ in dataStream.uniform(from: -1, to: 1) }
        let evaluationInputs = Matrix<Float>(rows: evaluationCount, columns: 1) { row, _ in
            Float(-1 + 2 * Double(row) / Double(evaluationCount - 1))
        }
        let evaluationTargets = Matrix<Float>(rows: evaluationCount, columns: 1) { row, _ in
            Float(target(Double(evaluationInputs[row, 0])))
        }

        var draws = RandomDraws(uniform: { initialisationStream.uniform() },
                                gaussian: { initialisationStream.gaussian() })
        var network = MLP<Float>(widths: widths, hiddenActivation: .tanh, outputActivation: .identity,
                                 using: &draws)
        var optimizer = Adam(for: network, learningRate: learningRate)

        // Caller-owned buffers: the loop allocates nothing.
        var batchInputs = Matrix<Float>(rows: batchSize, columns: 1)
        var batchTargets = Matrix<Float>(rows: batchSize, columns: 1)
        var cache = MLP<Float>.Cache()
        var evaluationCache = MLP<Float>.Cache()
        var gradient = network.zeroed()
        var lossGradient = Matrix<Float>()

        func evaluationLoss() -> Float {
            network.forward(evaluationInputs, cache: &evaluationCache)
            return Loss.meanSquaredError(prediction: evaluationCache.output, target: evaluationTargets,
                                         gradient: &lossGradient)
        }

        let initialLoss = evaluationLoss()
        report("Fitting y = sin(3x) on [−1, 1]: MLP \(widths.map(String.init).joined(separator: "-")) (tanh), "
            + "Adam α = \(learningRate) decaying to \(learningRate / 10), batch \(batchSize), seed \(seed)")
        report(line(step: 0, batchLoss: nil, evaluationLoss: initialLoss))
        let interval = max(1, steps / 10)
        var finalLoss = initialLoss
        for step in 1...steps {
            // Sample a mini-batch.
            batchInputs.withUnsafeMutableBufferPointer { inputs in
                batchTargets.withUnsafeMutableBufferPointer { targets in
                    for row in 0..<batchSize {
                        let x = trainingInputs[batchStream.integer(below: trainingCount)]
                        inputs[row] = Float(x)
                        targets[row] = Float(target(x))
                    }
                }
            }
            // Learn: forward, loss, backward, Adam.
            network.forward(batchInputs, cache: &cache)
            let batchLoss = Loss.meanSquaredError(prediction: cache.output, target: batchTargets,
                                                  gradient: &lossGradient)
            network.backward(&cache, outputGradient: lossGradient, gradient: &gradient,
                             computingInputGradient: false)
            let progress = Float(step - 1) / Float(steps)
            optimizer.learningRate = learningRate * (1 - 0.9 * progress)
            optimizer.update(&network, along: gradient)
            // Log.
            if step % interval == 0 || step == steps {
                finalLoss = evaluationLoss()
                report(line(step: step, batchLoss: batchLoss, evaluationLoss: finalLoss))
            }
        }
        let seconds = monotonicSeconds() - start
        report("Evaluation loss fell from \(scientific(initialLoss)) to \(scientific(finalLoss)) (a factor of "
            + "\(scientific(initialLoss / finalLoss))) in \(steps) steps, \(String(format: "%.2f", seconds)) s.")
    }

    /// `step   300  batch loss 1.234e-02  evaluation loss 1.100e-02`.
    static func line(step: Int, batchLoss: Float?, evaluationLoss: Float) -> String {
        let stepText = String(step)
        let padded = String(repeating: " ", count: max(0, 6 - stepText.count)) + stepText
        let batchText = batchLoss.map(scientific) ?? "    -    "
        return "step \(padded)  batch loss \(batchText)  evaluation loss \(scientific(evaluationLoss))"
    }

    /// `1.234e-02`.
    static func scientific(_ value: Float) -> String {
        String(format: "%.3e", Double(value))
    }
}
