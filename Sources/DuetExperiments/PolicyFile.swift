// The policy file, `learner<i>/policy-final.duet` and `learner<i>/policy-best.duet`: a ``SavedPolicy`` and where
// it came from, as a Duet parameter archive (format 2, `ParameterArchive+Encoding.swift`: magic, version, CRC-32)
// holding the entries below. `scripts/read_policy.py` reads the same entries with NumPy alone.
//
// | entry                         | kind    | content                                                          |
// |-------------------------------|---------|------------------------------------------------------------------|
// | `policy.format`               | integer | the policy format's version, 1                                   |
// | `policy.algorithm`            | integer | 1 DDPG, 2 TD3, 3 SAC, 4 PPO                                      |
// | `policy.head`                 | integer | 1 tanh actor, 2 squashed Gaussian, 3 Gaussian (below)            |
// | `policy.step`                 | integer | the peer's environment steps when the policy was kept            |
// | `policy.evaluationMean`       | Float64 | the mean return of the evaluation at that step (none if none)    |
// | `policy.evaluationReturns`    | Float64 | that evaluation's returns, episode by episode (none if unknown)  |
// | `network.layerCount`          | integer | L, the dense layers                                              |
// | `network.hiddenActivation`    | integer | f after each hidden layer: 0 identity, 1 ReLU, 2 tanh            |
// | `network.outputActivation`    | integer | g after the last layer, coded as f                               |
// | `network.layers.<l>.weight`   | tensor  | W_l, inputs × outputs: y = x·W_l + b_l                           |
// | `network.layers.<l>.bias`     | tensor  | b_l, 1 × outputs                                                 |
// | `network.layerNorms.<l>.gain` | tensor  | γ_l of hidden layer l when the network is layer-normed           |
// | `network.layerNorms.<l>.bias` | tensor  | β_l                                                              |
// | `network.layerNormEpsilon`    | Float64 | ε of each layer norm (none without layer norms)                  |
// | `observation.mean`            | Float64 | μ of the running statistics (absent: raw observations)           |
// | `observation.variance`        | Float64 | σ²                                                               |
// | `observation.count`           | Float64 | the statistics' sample count                                     |
// | `observation.clip`            | Float64 | normalised values are clipped to ±clip                           |
// | `observation.scaling`         | integer | 1: (x − μ)·(1/√(σ² + 1e-8)), DDPG/TD3/SAC; 2: (x − μ)/√(σ² + 1e-8), |
// |                               |         | PPO (absent: the algorithm's)                                    |
// | `action.meanClip`             | Float64 | head 2: gSDE's clip c of μ (none: no clip)                       |
// | `action.stateDependent`       | integer | head 2: 1 under gSDE (the network outputs μ only), else 0        |
// | `action.center`               | Float64 | head 3: the box centre c                                         |
// | `action.halfRange`            | Float64 | head 3: the box half-range h                                     |
// | `action.logStandardDeviation` | Float64 | head 3: log σ (none under gSDE)                                  |
// | `action.explorationLogStandardDeviation` | tensor | heads 2 and 3 under gSDE: log σ_W, H × d (absent in    |
// |                               |         | files written before it was kept: such a policy cannot be sampled) |
// | `action.explorationFeatures`  | integer | with log σ_W: the layers whose output is gSDE's features h(s), L − 1: |
// |                               |         | the last hidden layer's output after its activation (0: the input) |
//
// Heads (actions in [−1, 1]ᵈ): 1: a = g(f(s)); 2: a = tanh(clip(f(s)[0 ..< d])); 3: a = clip((f(s) − c)/h, −1, 1).
// Sampled under gSDE (`duet evaluate --stochastic`): W = exp(log σ_W) ⊙ E with E ~ N(0, I), drawn once per
// episode; the noise n = h(s)·W is added to f(s) before the squash or the clip: 2: tanh(clip(f(s)) + n);
// 3: clip((f(s) + n − c)/h, −1, 1). All entries but these two are policy format 1's first form, so files
// without gSDE are byte for byte what earlier builds wrote, and earlier readers read the new ones.
import DuetLearners
import DuetNumerics
import Foundation

/// Why a policy file could not be read.
public enum PolicyFileError: Error, Equatable, CustomStringConvertible {
    /// The file is not there.
    case missing(path: String, reason: String)
    /// The file is not a policy archive this Duet reads.
    case unreadable(path: String, reason: String)

    /// The one-line message, naming the file or flag and what is accepted.
    public var description: String {
        switch self {
        case let .missing(path, reason): return "\(path): no policy file (\(reason))"
        case let .unreadable(path, reason): return "\(path): not a readable policy file: \(reason)"
        }
    }
}

/// A kept policy and where it came from.
public struct PolicyFile: Sendable, Equatable {
    /// The policy format version this Duet writes and reads.
    public static let formatVersion = 1
    /// The file of a peer's final policy, in its `learner<i>/` folder.
    public static let finalFile = "policy-final.duet"
    /// The file of a peer's best evaluation's policy.
    public static let bestFile = "policy-best.duet"

    /// The policy.
    public var policy: SavedPolicy
    /// The peer's environment steps when it was kept.
    public var step: Int
    /// The mean return of the evaluation at that step, if one was made there.
    public var evaluationMean: Double?
    /// That evaluation's returns, episode by episode (empty when not known).
    public var evaluationReturns: [Double]

    /// A record of `policy`, kept at `step`.
    public init(policy: SavedPolicy, step: Int, evaluationMean: Double?, evaluationReturns: [Double]) {
        self.policy = policy
        self.step = step
        self.evaluationMean = evaluationMean
        self.evaluationReturns = evaluationReturns
    }

    // MARK: Writing

    /// The entries of the table above.
    public var archive: ParameterArchive<Float> {
        var archive = ParameterArchive<Float>()
        archive.store(Self.formatVersion, as: "policy.format")
        archive.store(policy.algorithm.rawValue, as: "policy.algorithm")
        switch policy.head {
        case .tanhActor: archive.store(1, as: "policy.head")
        case .squashedGaussian: archive.store(2, as: "policy.head")
        case .gaussian: archive.store(3, as: "policy.head")
        }
        archive.store(step, as: "policy.step")
        archive.store(evaluationMean.map { [$0] } ?? [], as: "policy.evaluationMean")
        archive.store(evaluationReturns, as: "policy.evaluationReturns")
        let network = policy.network
        archive.store(network.layers.count, as: "network.layerCount")
        archive.store(Self.code(of: network.hiddenActivation), as: "network.hiddenActivation")
        archive.store(Self.code(of: network.outputActivation), as: "network.outputActivation")
        archive.store(network, prefix: "network")
        archive.store(network.layerNorms.map { Double($0.epsilon) }, as: "network.layerNormEpsilon")
        if let statistics = policy.observationStatistics {
            archive.store(statistics.mean, as: "observation.mean")
            archive.store(statistics.variance, as: "observation.variance")
            archive.store([statistics.count], as: "observation.count")
            archive.store([statistics.clip], as: "observation.clip")
        }
        archive.store(policy.observationScaling.rawValue, as: "observation.scaling")
        switch policy.head {
        case .tanhActor:
            break
        case let .squashedGaussian(meanClip, stateDependent):
            archive.store(meanClip.map { [Double($0)] } ?? [], as: "action.meanClip")
            archive.store(stateDependent ? 1 : 0, as: "action.stateDependent")
        case let .gaussian(center, halfRange, logDeviation):
            archive.store(center.map(Double.init), as: "action.center")
            archive.store(halfRange.map(Double.init), as: "action.halfRange")
            archive.store(logDeviation?.map(Double.init) ?? [], as: "action.logStandardDeviation")
        }
        if let explorationLogDeviation = policy.explorationLogStandardDeviation {
            archive.store(explorationLogDeviation, as: "action.explorationLogStandardDeviation")
            archive.store(network.layers.count - 1, as: "action.explorationFeatures")
        }
        return archive
    }

    /// Writes the file atomically (a crash leaves the previous file or the new one, never a part).
    /// - Throws: ``RunFolderError/cannotWrite(path:reason:)``.
    public func write(to url: URL) throws {
        do { try archive.write(to: url) } catch NumericsError.unwritableFile(_, let reason) {
            throw RunFolderError.cannotWrite(path: url.path, reason: reason)  // the path once, not twice
        } catch {
            throw RunFolderError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    // MARK: Reading

    /// Reads the policy file at `url`.
    /// - Throws: ``PolicyFileError`` naming the file.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PolicyFileError.missing(path: url.path, reason: "no such file")
        }
        do {
            try self.init(archive: try ParameterArchive<Float>(contentsOf: url))
        } catch let error as PolicyFileError {
            throw error
        } catch {
            throw PolicyFileError.unreadable(path: url.path, reason: "\(error)")
        }
    }

    /// The record in `archive` (entries as in the table above).
    /// - Throws: ``PolicyFileError/unreadable(path:reason:)`` or a ``NumericsError`` for a missing or
    ///   misshapen entry.
    public init(archive: ParameterArchive<Float>) throws {
        func fail(_ reason: String) -> PolicyFileError { .unreadable(path: archive.source, reason: reason) }
        let format = try archive.integer(named: "policy.format")
        guard format == Self.formatVersion else {
            throw fail("policy format \(format); this Duet reads format \(Self.formatVersion)")
        }
        guard let algorithm = SavedPolicy.Algorithm(rawValue: try archive.integer(named: "policy.algorithm")) else {
            throw fail("unknown policy.algorithm")
        }
        let layerCount = try archive.integer(named: "network.layerCount")
        guard (1...64).contains(layerCount) else { throw fail("network.layerCount \(layerCount) is not 1 to 64") }
        let epsilons = try archive.reals(named: "network.layerNormEpsilon")
        var layers: [Dense<Float>] = []
        var layerNorms: [LayerNorm<Float>] = []
        for index in 0..<layerCount {
            let weight = try archive.tensor(named: "network.layers.\(index).weight")
            let bias = try archive.tensor(named: "network.layers.\(index).bias",
                                          shape: MatrixShape(rows: 1, columns: weight.columns))
            if let previous = layers.last, previous.outputCount != weight.rows {
                throw fail("network.layers.\(index).weight takes \(weight.rows) inputs, layer \(index - 1) gives \(previous.outputCount)")
            }
            guard weight.rows > 0, weight.columns > 0 else { throw fail("network.layers.\(index) is empty") }
            layers.append(Dense(weight: weight, bias: bias))
        }
        if !epsilons.isEmpty {
            guard epsilons.count == layerCount - 1, epsilons.allSatisfy({ $0 > 0 }) else {
                throw fail("network.layerNormEpsilon needs one positive ε per hidden layer")
            }
            for index in 0..<(layerCount - 1) {
                let shape = MatrixShape(rows: 1, columns: layers[index].outputCount)
                layerNorms.append(LayerNorm(gain: try archive.tensor(named: "network.layerNorms.\(index).gain", shape: shape),
                                            bias: try archive.tensor(named: "network.layerNorms.\(index).bias", shape: shape),
                                            epsilon: Float(epsilons[index])))
            }
        }
        guard let hidden = Self.activation(coded: try archive.integer(named: "network.hiddenActivation")),
              let output = Self.activation(coded: try archive.integer(named: "network.outputActivation")) else {
            throw fail("unknown activation code (accepted: 0 identity, 1 ReLU, 2 tanh)")
        }
        let network = MLP(layers: layers, layerNorms: layerNorms, hiddenActivation: hidden, outputActivation: output)
        let inputs = network.inputCount, outputs = network.outputCount

        var statistics: RunningMeanStandardDeviation?
        // Absent in files written before it was always stored: then it is the algorithm's.
        let scalingCode = archive["observation.scaling"] == nil ? (algorithm == .ppo ? 2 : 1)
            : try archive.integer(named: "observation.scaling")
        guard let scaling = SavedPolicy.ObservationScaling(rawValue: scalingCode) else {
            throw fail("unknown observation.scaling (accepted: 1, 2)")
        }
        if archive["observation.mean"] != nil {
            let count = try archive.reals(named: "observation.count", count: 1)[0]
            guard count > 0 else { throw fail("observation.count is not > 0") }
            statistics = RunningMeanStandardDeviation(
                mean: try archive.reals(named: "observation.mean", count: inputs),
                variance: try archive.reals(named: "observation.variance", count: inputs), count: count,
                clip: try archive.reals(named: "observation.clip", count: 1)[0])
        }
        let head: SavedPolicy.Head
        switch try archive.integer(named: "policy.head") {
        case 1:
            head = .tanhActor
        case 2:
            let clip = try archive.reals(named: "action.meanClip")
            let stateDependent = try archive.integer(named: "action.stateDependent") == 1
            guard clip.count <= 1, stateDependent || outputs % 2 == 0 else {
                throw fail("a squashed-Gaussian head needs [μ, ℓ_raw] outputs and one mean clip at most")
            }
            head = .squashedGaussian(meanClip: clip.first.map { Float($0) }, stateDependent: stateDependent)
        case 3:
            let logDeviation = try archive.reals(named: "action.logStandardDeviation")
            guard logDeviation.isEmpty || logDeviation.count == outputs else {
                throw fail("action.logStandardDeviation needs \(outputs) values or none")
            }
            let halfRange = try archive.reals(named: "action.halfRange", count: outputs).map { Float($0) }
            guard halfRange.allSatisfy({ $0 > 0 }) else { throw fail("action.halfRange must be positive") }
            head = .gaussian(center: try archive.reals(named: "action.center", count: outputs).map { Float($0) },
                             halfRange: halfRange,
                             logStandardDeviation: logDeviation.isEmpty ? nil : logDeviation.map { Float($0) })
        case let other:
            throw fail("unknown policy.head \(other) (accepted: 1, 2, 3)")
        }
        // gSDE's log σ_W, absent in files written before Duet kept it (that policy then cannot be sampled).
        var explorationLogDeviation: Matrix<Float>?
        if archive["action.explorationLogStandardDeviation"] != nil {
            guard head.isStateDependent else {
                throw fail("action.explorationLogStandardDeviation is for gSDE heads (2 with action.stateDependent 1, "
                           + "or 3 without action.logStandardDeviation)")
            }
            let features = try archive.integer(named: "action.explorationFeatures")
            guard features == layerCount - 1 else {
                throw fail("action.explorationFeatures \(features): gSDE's features are the output of the last "
                           + "hidden layer, \(layerCount - 1)")
            }
            explorationLogDeviation = try archive.tensor(
                named: "action.explorationLogStandardDeviation",
                shape: MatrixShape(rows: network.widths[network.widths.count - 2], columns: outputs))
        }
        let mean = try archive.reals(named: "policy.evaluationMean")
        guard mean.count <= 1 else { throw fail("policy.evaluationMean holds more than one value") }
        self.init(policy: SavedPolicy(algorithm: algorithm, network: network, head: head,
                                      observationStatistics: statistics, observationScaling: scaling,
                                      explorationLogStandardDeviation: explorationLogDeviation),
                  step: try archive.integer(named: "policy.step"), evaluationMean: mean.first,
                  evaluationReturns: try archive.reals(named: "policy.evaluationReturns"))
    }

    // MARK: Codes

    /// The activation's code in the file.
    static func code(of activation: Activation) -> Int {
        switch activation {
        case .identity: return 0
        case .relu: return 1
        case .tanh: return 2
        }
    }

    /// The activation of a code, if it names one.
    static func activation(coded code: Int) -> Activation? {
        switch code {
        case 0: return .identity
        case 1: return .relu
        case 2: return .tanh
        default: return nil
        }
    }
}
