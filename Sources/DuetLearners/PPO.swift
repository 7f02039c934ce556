import DuetNumerics
import DuetRandom

/// Proximal policy optimisation with the clipped surrogate objective (Schulman et al., "Proximal Policy
/// Optimization Algorithms", 2017), as Stable-Baselines3's `PPO` with `MlpPolicy`, and as an on-policy peer for
/// dual policy distillation.
///
/// **Policy and value.** Separate networks, 64-64 tanh by default: the policy network gives the Gaussian mean
/// μ(s) in the environment's raw action units (as SB3, which acts in the action box itself and clips), the value
/// network V(s). The policy is N(μ(s), diag v(s)) (``DiagonalGaussian``): a learned state-independent log σ, or
/// gSDE's state-dependent noise a = μ(s) + h(s)·W with W ~ N(0, σ_W²) held per environment copy. Actions go to
/// the trainer in [−1, 1]ᵈ units, a = (x − c)/h for a raw action x, box centre c and half-range h; the trainer
/// clips them to the box (SB3's `np.clip`).
///
/// **Rollouts.** The trainer steps N copies together; observations are normalised by running statistics and
/// rewards scaled by the running standard deviation of the discounted return when the configuration asks
/// (SB3's `VecNormalize`); the statistics belong to the learner and are used, not updated, at evaluation and in
/// distillation.
///
/// **Update** (``update(on:lastObservations:progressRemaining:using:)``): GAE(λ) advantages and returns
/// (``GeneralizedAdvantageEstimation``); then K epochs over shuffled minibatches of the N·T transitions, each
/// minimising
///
///     L = −meanᵢ min(rᵢ·Âᵢ, clip(rᵢ, 1 − ε, 1 + ε)·Âᵢ) + c₁·meanᵢ (Rᵢ − V̂ᵢ)² − c₂·meanᵢ H(π(·|sᵢ)),
///     rᵢ = exp(log π(aᵢ|sᵢ) − log π_old(aᵢ|sᵢ)),
///
/// with Â the minibatch-normalised advantages, V̂ the value (optionally clipped to within ε_V of the rollout's
/// value), one Adam step (ε 10⁻⁵) after a global-norm clip of the whole gradient; an epoch loop stops early when
/// the approximate KL, meanᵢ((rᵢ − 1) − log rᵢ), exceeds 1.5 × `targetKL`. Learning rate and clip range follow
/// their schedules with the progress remaining.
///
/// **Distillation** (``distill(states:targets:weights:)``): the weighted squared error between the policy mean
/// (in [−1, 1]ᵈ units) and the targets, through a separate Adam or, as the reference DPD-PPO, through the PPO
/// optimiser of the policy network (`optimizer: shared`).
public struct PPO: OnPolicyLearner, Sendable {
    /// The hyper-parameters.
    public let configuration: PPOConfiguration
    /// Length of the observation vector.
    public let observationDimension: Int
    /// Length of the action vector.
    public let actionDimension: Int
    /// The action box's centre c: a raw action is c + h·a for a in [−1, 1]ᵈ.
    public let actionCenter: [Float]
    /// The action box's half-range h.
    public let actionHalfRange: [Float]
    /// The learned tensors: policy network, log σ, value network.
    public private(set) var parameters: PPOParameters<Float>
    /// Running observation statistics (`VecNormalize`'s `obs_rms`), or `nil` without normalisation.
    public private(set) var observationStatistics: RunningMeanStandardDeviation?
    /// Running statistics of the discounted return (`VecNormalize`'s `ret_rms`), or `nil` without reward scaling.
    public private(set) var returnStatistics: RunningMeanStandardDeviation?
    /// Updates (PPO iterations) made so far.
    public private(set) var updateCount = 0

    // One Adam per part, so that a distillation step through the shared optimiser moves only the policy
    // network's moments (PyTorch skips parameters without a gradient; their step counts stay apart).
    private var policyOptimizer: Adam<Float>
    private var logDeviationOptimizer: Adam<Float>
    private var valueOptimizer: Adam<Float>
    private var distillationOptimizer: Adam<Float>
    /// The distillation optimiser of log σ, for objectives that distil the whole Gaussian (`objective: kl`) with a
    /// separate optimiser; untouched by every other objective.
    private var distillationLogDeviationOptimizer: Adam<Float>
    /// Each copy's running discounted return, for reward scaling.
    private var discountedReturns: [Double]
    /// gSDE: each copy's exploration matrix W (`H × dim(A)`).
    private var explorationMatrices: [Matrix<Float>]
    /// Rounds acted in the current rollout (gSDE re-draws W at 0 and every `resampleEvery`).
    private var roundsInRollout = 0
    /// The networks' forward buffers for acting, reused from round to round.
    private var actingPolicyCache = MLP<Float>.Cache()
    private var actingValueCache = MLP<Float>.Cache()

    /// The columns of `updates.csv`: SB3's `train/` values (means over the update's minibatches).
    public static let columns = ["policyLoss", "valueLoss", "entropyLoss", "approxKL", "clipFraction",
                                 "explainedVariance", "std", "learningRate", "clipRange", "epochs"]
    /// The columns of `updates.csv`: ``columns``.
    public var updateColumns: [String] { Self.columns }
    /// N, the configuration's `envs`.
    public var environmentCopies: Int { configuration.envs }
    /// T, the configuration's `rolloutSteps`.
    public var rolloutLength: Int { configuration.rolloutSteps }

    /// A PPO learner for observations of `observationDimension` numbers and actions in the box
    /// [`actionLow`, `actionHigh`] (unbounded dimensions are taken as [−1, 1]), its networks drawn from `stream`.
    /// - Precondition: the configuration is valid; gSDE needs a hidden layer.
    public init(observationDimension: Int, actionLow: [Float], actionHigh: [Float], configuration: PPOConfiguration,
                initialization stream: RandomStream) {
        precondition(actionLow.count == actionHigh.count && !actionLow.isEmpty, "an action box of matching bounds")
        precondition(!configuration.stateDependentExploration || !configuration.hidden.isEmpty,
                     "gSDE reads the policy's last hidden layer")
        self.configuration = configuration
        self.observationDimension = observationDimension
        actionDimension = actionLow.count
        let bounded = zip(actionLow, actionHigh).map { $0.isFinite && $1.isFinite }
        actionCenter = zip(zip(actionLow, actionHigh), bounded).map { $1 ? ($0.0 + $0.1) / 2 : 0 }
        actionHalfRange = zip(zip(actionLow, actionHigh), bounded).map { $1 ? ($0.1 - $0.0) / 2 : 1 }

        var source = ActorNetwork.randomSource(stream)
        let ortho = configuration.orthogonalInitialization
        let activation: Activation = configuration.activation == .tanh ? .tanh : .relu
        let hiddenInit: DenseInitialization = ortho ? .orthogonal(gain: 2.0.squareRoot()) : .pytorchDefault
        let policy = MLP<Float>(widths: [observationDimension] + configuration.hidden + [actionDimension],
                                hiddenActivation: activation, hiddenInitialization: hiddenInit,
                                outputInitialization: ortho ? .orthogonal(gain: 0.01) : .pytorchDefault,
                                using: &source)
        let value = MLP<Float>(widths: [observationDimension] + configuration.hidden + [1],
                               hiddenActivation: activation, hiddenInitialization: hiddenInit,
                               outputInitialization: ortho ? .orthogonal(gain: 1) : .pytorchDefault, using: &source)
        let logRows = configuration.stateDependentExploration ? configuration.hidden.last ?? 1 : 1
        let logDeviation = Matrix<Float>(rows: logRows, columns: actionDimension,
                                         repeating: Float(configuration.initialLogStandardDeviation))
        parameters = PPOParameters(policy: policy, logDeviation: LogStandardDeviation(values: logDeviation),
                                   value: value)
        let rate = Float(configuration.learningRate)
        policyOptimizer = Adam(for: policy, learningRate: rate, epsilon: 1e-5)
        logDeviationOptimizer = Adam(for: parameters.logDeviation, learningRate: rate, epsilon: 1e-5)
        valueOptimizer = Adam(for: value, learningRate: rate, epsilon: 1e-5)
        distillationOptimizer = Adam(for: policy, learningRate: Float(configuration.distillationLearningRate))
        distillationLogDeviationOptimizer = Adam(for: parameters.logDeviation,
                                                 learningRate: Float(configuration.distillationLearningRate))
        observationStatistics = configuration.observationNormalization
            ? RunningMeanStandardDeviation(dimension: observationDimension, clip: configuration.observationClip)
            : nil
        returnStatistics = configuration.rewardNormalization
            ? RunningMeanStandardDeviation(dimension: 1, clip: .infinity) : nil
        discountedReturns = Array(repeating: 0, count: configuration.envs)
        explorationMatrices = Array(repeating: Matrix(rows: logRows, columns: actionDimension),
                                    count: configuration.envs)
    }

    // MARK: Observations and actions

    /// A raw observation as the networks see it: normalised (and clipped) by the running statistics, if any.
    public func policyInput(for observation: [Float]) -> [Float] {
        observationStatistics.map { $0.normalize(observation) } ?? observation
    }

    /// The rows of `observations`, each as ``policyInput(for:)`` makes it.
    func policyInputs(for observations: Matrix<Float>) -> Matrix<Float> {
        guard let statistics = observationStatistics else { return observations }
        var scalars: [Float] = []
        scalars.reserveCapacity(observations.count)
        for row in 0..<observations.rows { scalars += statistics.normalize(observations.row(row)) }
        return Matrix(rows: observations.rows, columns: observations.columns, scalars: scalars)
    }

    /// A raw action x as [−1, 1]ᵈ units, (x − c)/h.
    func unitAction(_ raw: Float, _ k: Int) -> Float { (raw - actionCenter[k]) / actionHalfRange[k] }

    /// An action in [−1, 1]ᵈ units as a raw action, c + h·a.
    func rawAction(_ unit: Float, _ k: Int) -> Float { actionCenter[k] + actionHalfRange[k] * unit }

    /// The rows of raw means μ as [−1, 1]ᵈ units.
    func unitActions(_ raw: Matrix<Float>) -> Matrix<Float> {
        Matrix(rows: raw.rows, columns: raw.columns) { row, k in unitAction(raw[row, k], k) }
    }

    /// Updates the running observation statistics with each copy's observation, when observations are normalised.
    public mutating func observe(_ observations: [[Float]]) {
        guard observationStatistics != nil else { return }
        for observation in observations { observationStatistics?.update(with: observation) }
    }

    /// Per copy, x = μ(s) plus N(0, σ²) noise (under gSDE h(s)·W, W re-drawn at the rollout's start and every
    /// `resampleEvery` rounds), as [−1, 1]ᵈ units, with log π(x|s) and V(s).
    public mutating func act(on observations: [[Float]], using stream: RandomStream) -> [PolicyStep] {
        precondition(observations.count == configuration.envs, "one observation per environment copy")
        let inputs = observations.map(policyInput(for:))
        let batch = Matrix(rows: inputs.count, columns: observationDimension, scalars: inputs.flatMap { $0 })
        parameters.policy.forward(batch, cache: &actingPolicyCache)
        parameters.value.forward(batch, cache: &actingValueCache)
        let means = actingPolicyCache.output
        let values = actingValueCache.output
        let logDeviation = parameters.logDeviation.values
        var latent: Matrix<Float>?
        if configuration.stateDependentExploration {
            latent = actingPolicyCache.lastHiddenActivation
            let resample = configuration.resampleEvery
            if roundsInRollout == 0 || (resample > 0 && roundsInRollout % resample == 0) {
                for copy in 0..<configuration.envs {
                    explorationMatrices[copy] = Matrix(rows: logDeviation.rows, columns: actionDimension) { h, k in
                        Float(Double.exponential(Double(logDeviation[h, k])) * stream.gaussian())
                    }
                }
            }
        }
        roundsInRollout += 1
        // Draw x = μ + noise, take it to [−1, 1]ᵈ units and back, so that log π is computed on exactly the raw
        // action the update will rebuild from the rollout.
        var units = Matrix<Float>(rows: inputs.count, columns: actionDimension)
        var raws = Matrix<Float>(rows: inputs.count, columns: actionDimension)
        for copy in 0..<inputs.count {
            for k in 0..<actionDimension {
                var noise: Float
                if let latent {
                    noise = 0
                    for h in 0..<latent.columns { noise += latent[copy, h] * explorationMatrices[copy][h, k] }
                } else {
                    noise = Float(Double.exponential(Double(logDeviation[0, k])) * stream.gaussian())
                }
                units[copy, k] = unitAction(means[copy, k] + noise, k)
                raws[copy, k] = rawAction(units[copy, k], k)
            }
        }
        let variances = DiagonalGaussian.variances(logDeviation: logDeviation, latent: latent, batch: inputs.count)
        let logProbabilities = DiagonalGaussian.logProbabilities(actions: raws, means: means, variances: variances)
        return (0..<inputs.count).map { copy in
            PolicyStep(action: units.row(copy), logProbability: logProbabilities[copy],
                       value: Double(values[copy, 0]), policyInput: inputs[copy])
        }
    }

    /// Each reward divided by the running standard deviation of the discounted return and clipped to ±`rewardClip`
    /// (unchanged without reward normalisation); an ended episode's discounted return restarts at 0.
    public mutating func scaleRewards(_ rewards: [Double], episodeEnded: [Bool]) -> [Double] {
        guard var statistics = returnStatistics else { return rewards }
        precondition(rewards.count == configuration.envs && episodeEnded.count == rewards.count,
                     "one reward per environment copy")
        for copy in rewards.indices {
            discountedReturns[copy] = discountedReturns[copy] * configuration.discount + rewards[copy]
            statistics.update(with: [Float(discountedReturns[copy])])
        }
        returnStatistics = statistics
        let scale = (statistics.variance[0] + 1e-8).squareRoot()
        let clip = configuration.rewardClip
        for copy in rewards.indices where episodeEnded[copy] { discountedReturns[copy] = 0 }
        return rewards.map { min(max($0 / scale, -clip), clip) }
    }

    /// V(s) of the value network on the normalised observation; no statistics are updated.
    public func stateValue(of observation: [Float]) -> Double {
        Double(parameters.value.forward(single: policyInput(for: observation))[0])
    }

    /// The mean μ(s) as [−1, 1]ᵈ units, clipped to [−1, 1].
    public func deterministicAction(for observation: [Float]) -> [Float] {
        let mean = parameters.policy.forward(single: policyInput(for: observation))
        return mean.indices.map { min(max(unitAction(mean[$0], $0), -1), 1) }
    }

    // MARK: Update

    /// The value of a rate under `schedule` with progress remaining p: the rate, or rate × p.
    static func scheduled(_ rate: Double, _ schedule: PPOSchedule, progressRemaining: Double) -> Double {
        schedule == .linear ? rate * progressRemaining : rate
    }

    /// GAE(λ) per copy, then K epochs over minibatches shuffled with `stream`, at the scheduled learning rate and
    /// clip range, stopping early at the KL target (see the type's documentation).
    public mutating func update(on rollouts: [Rollout], lastObservations: [[Float]], progressRemaining: Double,
                                using stream: RandomStream) -> UpdateStatistics {
        precondition(rollouts.count == configuration.envs && lastObservations.count == rollouts.count,
                     "one rollout and one last observation per environment copy")
        // GAE per copy; the transitions flattened copy by copy, as SB3's `swap_and_flatten`.
        var observationScalars: [Float] = [], actionScalars: [Float] = []
        var oldLogProbabilities: [Double] = [], oldValues: [Double] = [], advantages: [Double] = []
        var returns: [Double] = []
        for (rollout, last) in zip(rollouts, lastObservations) {
            let estimate = GeneralizedAdvantageEstimation.advantages(
                of: rollout, lastValue: stateValue(of: last), discount: configuration.discount,
                lambda: configuration.gaeLambda)
            observationScalars += rollout.observations.scalars
            let units = rollout.actions
            for row in 0..<units.rows {
                for k in 0..<actionDimension { actionScalars.append(rawAction(units[row, k], k)) }
            }
            oldLogProbabilities += rollout.logProbabilities
            oldValues += rollout.values
            advantages += estimate.advantages
            returns += estimate.returns
        }
        let total = oldValues.count
        let observations = Matrix(rows: total, columns: observationDimension, scalars: observationScalars)
        let actions = Matrix(rows: total, columns: actionDimension, scalars: actionScalars)

        let learningRate = Self.scheduled(configuration.learningRate, configuration.learningRateSchedule,
                                          progressRemaining: progressRemaining)
        let clipRange = Self.scheduled(configuration.clipRange, configuration.clipRangeSchedule,
                                       progressRemaining: progressRemaining)
        policyOptimizer.learningRate = Float(learningRate)
        logDeviationOptimizer.learningRate = Float(learningRate)
        valueOptimizer.learningRate = Float(learningRate)

        var sums = [Double](repeating: 0, count: 5)  // policy, value, entropy losses, KL, clip fraction
        var minibatches = 0
        var epochsDone = 0
        var indices = Array(0..<total)
        var minibatch = PPOMinibatch(observations: Matrix<Float>(), actions: Matrix<Float>(), oldLogProbabilities: [],
                                     oldValues: [], advantages: [], returns: [])
        var workspace = PPOLoss<Float>.Workspace()
        training: for _ in 0..<configuration.epochs {
            stream.shuffle(&indices)
            for start in stride(from: 0, to: total, by: configuration.batchSize) {
                let chosen = indices[start..<min(start + configuration.batchSize, total)]
                Self.gather(chosen, of: observations, into: &minibatch.observations)
                Self.gather(chosen, of: actions, into: &minibatch.actions)
                minibatch.oldLogProbabilities = chosen.map { oldLogProbabilities[$0] }
                minibatch.oldValues = chosen.map { oldValues[$0] }
                minibatch.advantages = chosen.map { advantages[$0] }
                minibatch.returns = chosen.map { returns[$0] }
                let step = PPOLoss.evaluate(parameters, on: minibatch, configuration: configuration,
                                            clipRange: clipRange, workspace: &workspace)
                for (index, value) in [step.policyLoss, step.valueLoss, step.entropyLoss, step.approximateKL,
                                       step.clipFraction].enumerated() { sums[index] += value }
                minibatches += 1
                if let target = configuration.targetKL, step.approximateKL > 1.5 * target { break training }
                workspace.storedGradient!.clipByGlobalNorm(Float(configuration.maxGradientNorm))
                policyOptimizer.update(&parameters.policy, along: workspace.gradient.policy)
                logDeviationOptimizer.update(&parameters.logDeviation, along: workspace.gradient.logDeviation)
                valueOptimizer.update(&parameters.value, along: workspace.gradient.value)
            }
            epochsDone += 1
        }
        updateCount += 1
        roundsInRollout = 0

        let means = sums.map { $0 / Double(max(minibatches, 1)) }
        let deviations = parameters.logDeviation.values.scalars
        let meanDeviation = deviations.reduce(0.0) { $0 + Double.exponential(Double($1)) } / Double(deviations.count)
        return UpdateStatistics(values: means + [Self.explainedVariance(predictions: oldValues, targets: returns),
                                                 meanDeviation, learningRate, clipRange, Double(epochsDone)])
    }

    /// The rows `rows` of `source`, in that order, into `destination`.
    static func gather(_ rows: ArraySlice<Int>, of source: Matrix<Float>, into destination: inout Matrix<Float>) {
        let width = source.columns
        destination.resize(rows: rows.count, columns: width)
        source.withUnsafeBufferPointer { from in
            destination.withUnsafeMutableBufferPointer { to in
                for (slot, row) in rows.enumerated() {
                    for column in 0..<width { to[slot &* width &+ column] = from[row &* width &+ column] }
                }
            }
        }
    }

    /// 1 − Var[y − ŷ]/Var[y] (population variances; NaN when Var[y] = 0), as SB3's `explained_variance`.
    static func explainedVariance(predictions: [Double], targets: [Double]) -> Double {
        func variance(_ values: [Double]) -> Double {
            let mean = values.reduce(0, +) / Double(values.count)
            return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        }
        let targetVariance = variance(targets)
        guard targetVariance > 0 else { return .nan }
        return 1 - variance(zip(targets, predictions).map { $0 - $1 }) / targetVariance
    }

    // MARK: Distillation

    /// π(s) = μ(s) as [−1, 1]ᵈ units and V(s) from the value network, both on normalised observations.
    public func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation {
        let inputs = policyInputs(for: observations)
        let means = parameters.policy.forward(inputs).output
        let values = parameters.value.forward(inputs).output
        return PolicyEvaluation(actions: unitActions(means), values: values.scalars)
    }

    /// `nil`: PPO has no critic of actions Q(s, a).
    public func actionValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float]? { nil }

    /// Draws x ~ N(μ(s), diag v(s)) per state (for gSDE, the marginal over W), in [−1, 1]ᵈ units.
    public func sampledActions(for observations: Matrix<Float>, using stream: RandomStream) -> Matrix<Float>? {
        let inputs = policyInputs(for: observations)
        let (means, cache) = parameters.policy.forward(inputs)
        let latent = configuration.stateDependentExploration ? cache.lastHiddenActivation : nil
        let variances = DiagonalGaussian.variances(logDeviation: parameters.logDeviation.values, latent: latent,
                                                   batch: inputs.rows)
        return Matrix(rows: inputs.rows, columns: actionDimension) { row, k in
            let deviation = variances[row * actionDimension + k].squareRoot()
            return unitAction(means[row, k] + Float(deviation * stream.gaussian()), k)
        }
    }

    /// One step on Σᵢ wᵢ · meanₖ (π(sᵢ)ₖ − ãᵢₖ)², π(s) the mean as [−1, 1]ᵈ units (the raw mean gets ∂L/∂a / h),
    /// through the distillation Adam or, when shared, PPO's policy Adam; returns the loss before the step.
    public mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float])
        -> Double {
        var cache = MLP<Float>.Cache()
        parameters.policy.forward(policyInputs(for: observations), cache: &cache)
        var unitGradient = Matrix<Float>()
        let loss = DistillationLoss.weightedSquaredError(prediction: unitActions(cache.output), targets: targets,
                                                         weights: weights, gradient: &unitGradient)
        // Through a = (x − c)/h to the raw mean x.
        let meanGradient = Matrix<Float>(rows: unitGradient.rows, columns: unitGradient.columns) { row, k in
            unitGradient[row, k] / actionHalfRange[k]
        }
        var gradient = parameters.policy.zeroed()
        parameters.policy.backward(&cache, outputGradient: meanGradient, gradient: &gradient,
                                   computingInputGradient: false)
        stepDistillation(policyGradient: &gradient, logDeviationGradient: nil)
        return loss
    }

    /// μ(s) as [−1, 1]ᵈ actions, the policy network's hidden layers and the Gaussian over raw actions: N(μ(s), σ²)
    /// with the state-independent log σ on every row, or under gSDE the marginal over W, N(μ(s), (h ⊙ h)·σ_W² +
    /// 10⁻⁶) (``StateDependentMarginal``).
    public func policyReadout(for observations: Matrix<Float>) -> PolicyReadout<Float> {
        var cache = MLP<Float>.Cache()
        return policyReadout(inputs: policyInputs(for: observations), cache: &cache)
    }

    /// The readout of the policy on normalised `inputs`, through `cache`.
    private func policyReadout(inputs: Matrix<Float>, cache: inout MLP<Float>.Cache) -> PolicyReadout<Float> {
        parameters.policy.forward(inputs, cache: &cache)
        let means = cache.output
        let logDeviation = parameters.logDeviation.values
        let gaussian = configuration.stateDependentExploration
            ? StateDependentMarginal.readout(means: means, latent: cache.lastHiddenActivation,
                                             logStandardDeviation: logDeviation)
            : GaussianReadout(means: means, logDeviations: Matrix(rows: means.rows, columns: means.columns) { _, k in
                logDeviation[0, k]
            })
        return PolicyReadout(actions: unitActions(means), hidden: cache.hiddenActivations, gaussian: gaussian)
    }

    /// One step on `objective`'s loss of the policy's readout: ∂L/∂a reaches the raw mean as ∂L/∂a / h, ∂L/∂μ
    /// adds to it, the hidden layers' gradients join the backward pass, and ∂L/∂log σ moves log σ through its
    /// own optimiser (the PPO one when shared): summed over the batch for the state-independent log σ; under
    /// gSDE carried to log σ_W through the marginal's variance, the features detached as in PPO's own loss.
    public mutating func distill(states observations: Matrix<Float>, objective: some DistillationObjective)
        -> Double {
        var cache = MLP<Float>.Cache()
        let readout = policyReadout(inputs: policyInputs(for: observations), cache: &cache)
        let (loss, readoutGradient) = objective.evaluate(readout)
        var meanGradient = Matrix<Float>(rows: readout.actions.rows, columns: actionDimension)
        for row in 0..<meanGradient.rows {
            for k in 0..<actionDimension {
                var total: Float = 0
                if let actions = readoutGradient.actions { total += actions[row, k] / actionHalfRange[k] }
                if let means = readoutGradient.means { total += means[row, k] }
                meanGradient[row, k] = total
            }
        }
        var logDeviationGradient: LogStandardDeviation<Float>?
        if let perState = readoutGradient.logDeviations {
            if configuration.stateDependentExploration {
                logDeviationGradient = LogStandardDeviation(values: StateDependentMarginal.backward(
                    latent: cache.lastHiddenActivation, logStandardDeviation: parameters.logDeviation.values,
                    logDeviationGradient: perState, computingLatentGradient: false).logStandardDeviationGradient)
            } else {
                logDeviationGradient = LogStandardDeviation(values: Matrix(rows: 1, columns: actionDimension) { _, k in
                    (0..<perState.rows).reduce(Float(0)) { $0 + perState[$1, k] }
                })
            }
        }
        var gradient = parameters.policy.zeroed()
        parameters.policy.backward(&cache, outputGradient: meanGradient, gradient: &gradient,
                                   computingInputGradient: false, hiddenGradients: readoutGradient.hiddenGradients)
        stepDistillation(policyGradient: &gradient, logDeviationGradient: logDeviationGradient)
        return loss
    }

    /// Clips the policy network's distillation gradient (and, on its own, log σ's) by the global norm when
    /// asked, and steps them with the distillation optimisers or, when shared, PPO's own.
    private mutating func stepDistillation(policyGradient: inout MLP<Float>,
                                           logDeviationGradient: LogStandardDeviation<Float>?) {
        if let clip = configuration.distillationGradientClip { policyGradient.clipByGlobalNorm(Float(clip)) }
        if configuration.distillationSharesOptimizer {
            policyOptimizer.update(&parameters.policy, along: policyGradient)
        } else {
            distillationOptimizer.update(&parameters.policy, along: policyGradient)
        }
        guard var logDeviationGradient else { return }
        if let clip = configuration.distillationGradientClip { logDeviationGradient.clipByGlobalNorm(Float(clip)) }
        if configuration.distillationSharesOptimizer {
            logDeviationOptimizer.update(&parameters.logDeviation, along: logDeviationGradient)
        } else {
            distillationLogDeviationOptimizer.update(&parameters.logDeviation, along: logDeviationGradient)
        }
    }

    // MARK: Checkpoints

    /// Stores the parameters, the five Adams, the observation and return statistics when kept, each copy's discounted
    /// return and gSDE matrix, the rounds into the rollout and the update count.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        archive.store(parameters, prefix: name("parameters"))
        policyOptimizer.store(in: &archive, prefix: name("policyAdam"))
        logDeviationOptimizer.store(in: &archive, prefix: name("logStandardDeviationAdam"))
        valueOptimizer.store(in: &archive, prefix: name("valueAdam"))
        distillationOptimizer.store(in: &archive, prefix: name("distillationAdam"))
        distillationLogDeviationOptimizer.store(in: &archive, prefix: name("distillationLogStandardDeviationAdam"))
        for (label, statistics) in [("observationStatistics", observationStatistics),
                                    ("returnStatistics", returnStatistics)] {
            guard let statistics else { continue }
            archive.store(statistics.mean, as: name(label + ".mean"))
            archive.store(statistics.variance, as: name(label + ".variance"))
            archive.store([statistics.count], as: name(label + ".count"))
        }
        archive.store(discountedReturns, as: name("discountedReturns"))
        for (copy, matrix) in explorationMatrices.enumerated() { archive.store(matrix, as: name("explorationMatrix.\(copy)")) }
        archive.store(roundsInRollout, as: name("roundsInRollout"))
        archive.store(updateCount, as: name("updateCount"))
    }

    /// Restores what ``store(in:prefix:)`` wrote, all or nothing; an archive without the distillation Adam of log σ
    /// (written before the Gaussian objectives) leaves that optimiser fresh.
    public mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        var restored = self
        try archive.restore(&restored.parameters, prefix: name("parameters"))
        try restored.policyOptimizer.restore(from: archive, prefix: name("policyAdam"))
        try restored.logDeviationOptimizer.restore(from: archive, prefix: name("logStandardDeviationAdam"))
        try restored.valueOptimizer.restore(from: archive, prefix: name("valueAdam"))
        try restored.distillationOptimizer.restore(from: archive, prefix: name("distillationAdam"))
        // Checkpoints written before the Gaussian objectives have no such optimiser: it was then never used, so
        // its fresh state is the exact one.
        if archive[name("distillationLogStandardDeviationAdam") + ".step"] != nil {
            try restored.distillationLogDeviationOptimizer.restore(
                from: archive, prefix: name("distillationLogStandardDeviationAdam"))
        }
        func statistics(_ label: String, like current: RunningMeanStandardDeviation?) throws
            -> RunningMeanStandardDeviation? {
            guard let current else { return nil }
            let count = try archive.reals(named: name(label + ".count"), count: 1)[0]
            guard count > 0 else {
                throw NumericsError.malformedArchive(source: archive.source, reason: "'\(name(label)).count' is not > 0")
            }
            return RunningMeanStandardDeviation(
                mean: try archive.reals(named: name(label + ".mean"), count: current.mean.count),
                variance: try archive.reals(named: name(label + ".variance"), count: current.mean.count),
                count: count, clip: current.clip)
        }
        restored.observationStatistics = try statistics("observationStatistics", like: observationStatistics)
        restored.returnStatistics = try statistics("returnStatistics", like: returnStatistics)
        restored.discountedReturns = try archive.reals(named: name("discountedReturns"), count: configuration.envs)
        for copy in 0..<configuration.envs {
            restored.explorationMatrices[copy] = try archive.tensor(named: name("explorationMatrix.\(copy)"),
                                                                    shape: explorationMatrices[copy].shape)
        }
        restored.roundsInRollout = try LearnerArchiving.count(named: name("roundsInRollout"), in: archive)
        restored.updateCount = try LearnerArchiving.count(named: name("updateCount"), in: archive)
        self = restored
    }
}

/// One minibatch of a PPO rollout as the loss reads it.
public struct PPOMinibatch<Scalar: BLASScalar>: Sendable {
    /// The policy inputs sᵢ, `B × dim(S)`.
    public var observations: Matrix<Scalar>
    /// The raw actions aᵢ, `B × dim(A)`.
    public var actions: Matrix<Scalar>
    /// log π_old(aᵢ|sᵢ).
    public var oldLogProbabilities: [Double]
    /// V_old(sᵢ).
    public var oldValues: [Double]
    /// Aᵢ (before minibatch normalisation).
    public var advantages: [Double]
    /// Rᵢ = Aᵢ + V_old(sᵢ).
    public var returns: [Double]

    /// A minibatch from its parts.
    public init(observations: Matrix<Scalar>, actions: Matrix<Scalar>, oldLogProbabilities: [Double],
                oldValues: [Double], advantages: [Double], returns: [Double]) {
        self.observations = observations
        self.actions = actions
        self.oldLogProbabilities = oldLogProbabilities
        self.oldValues = oldValues
        self.advantages = advantages
        self.returns = returns
    }
}

/// The PPO loss of one minibatch, its parts and its gradient (see ``PPO`` for the formula).
public struct PPOLoss<Scalar: BLASScalar>: Sendable {
    /// The clipped surrogate −mean min(r·Â, clip(r)·Â).
    public var policyLoss: Double
    /// mean (R − V̂)².
    public var valueLoss: Double
    /// −mean H(π(·|s)).
    public var entropyLoss: Double
    /// policyLoss + c₂·entropyLoss + c₁·valueLoss.
    public var total: Double
    /// mean((r − 1) − log r).
    public var approximateKL: Double
    /// The fraction of states with |r − 1| > ε.
    public var clipFraction: Double
    /// ∂total/∂θ for every tensor.
    public var gradient: PPOParameters<Scalar>

    /// L and ∂L/∂θ for `parameters` on `minibatch` with clip range ε and the configuration's coefficients
    /// (entropy and value weights, value clip, advantage normalisation, gSDE).
    public static func evaluate(_ parameters: PPOParameters<Scalar>, on minibatch: PPOMinibatch<Scalar>,
                                configuration: PPOConfiguration, clipRange: Double) -> PPOLoss {
        var workspace = Workspace()
        let terms = evaluate(parameters, on: minibatch, configuration: configuration, clipRange: clipRange,
                             workspace: &workspace)
        return PPOLoss(policyLoss: terms.policyLoss, valueLoss: terms.valueLoss, entropyLoss: terms.entropyLoss,
                       total: terms.total, approximateKL: terms.approximateKL, clipFraction: terms.clipFraction,
                       gradient: workspace.gradient)
    }

    /// The loss's values without its gradient (which stays in the workspace).
    struct Terms {
        var policyLoss, valueLoss, entropyLoss, total, approximateKL, clipFraction: Double
    }

    /// The buffers of one loss evaluation, reused from one minibatch to the next: the networks' caches and the
    /// gradient, which ``evaluate(_:on:configuration:clipRange:workspace:)`` leaves here.
    public struct Workspace: Sendable {
        var policyCache = MLP<Scalar>.Cache()
        var valueCache = MLP<Scalar>.Cache()
        var valueGradient = Matrix<Scalar>()
        /// ∂L/∂θ of the last evaluation (`nil` before the first).
        var storedGradient: PPOParameters<Scalar>?
        /// ∂L/∂θ of the last evaluation.
        public var gradient: PPOParameters<Scalar> { storedGradient! }

        /// Empty buffers; the first evaluation sizes them.
        public init() {}
    }

    /// L on `minibatch`, with ∂L/∂θ left in `workspace.gradient`, so that an update reuses the networks'
    /// buffers and the gradient from one minibatch to the next.
    static func evaluate(_ parameters: PPOParameters<Scalar>, on minibatch: PPOMinibatch<Scalar>,
                         configuration: PPOConfiguration, clipRange: Double, workspace: inout Workspace) -> Terms {
        let batch = minibatch.observations.rows
        let count = Double(batch)
        var advantages = minibatch.advantages
        if configuration.normalizeAdvantage && batch > 1 {
            let mean = advantages.reduce(0, +) / count
            let variance = advantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
            advantages = advantages.map { ($0 - mean) / (variance.squareRoot() + 1e-8) }
        }
        parameters.policy.forward(minibatch.observations, cache: &workspace.policyCache)
        let means = workspace.policyCache.output
        let logDeviation = parameters.logDeviation.values
        let latent = configuration.stateDependentExploration ? workspace.policyCache.lastHiddenActivation : nil
        let variances = DiagonalGaussian.variances(logDeviation: logDeviation, latent: latent, batch: batch)
        let logProbabilities = DiagonalGaussian.logProbabilities(actions: minibatch.actions, means: means,
                                                                 variances: variances)
        let entropies = DiagonalGaussian.entropies(variances: variances, dimension: means.columns)

        // The clipped surrogate and its gradient with respect to log π (through r = exp(log π − log π_old)).
        var policyLoss = 0.0, approximateKL = 0.0, clipped = 0
        var logProbabilityGradient = [Double](repeating: 0, count: batch)
        for row in 0..<batch {
            let logRatio = logProbabilities[row] - minibatch.oldLogProbabilities[row]
            let ratio = Double.exponential(logRatio)
            let clippedRatio = min(max(ratio, 1 - clipRange), 1 + clipRange)
            let advantage = advantages[row]
            let unclippedTerm = advantage * ratio
            let clippedTerm = advantage * clippedRatio
            policyLoss -= min(unclippedTerm, clippedTerm) / count
            // PyTorch's min splits the gradient in a tie; clamp passes it only inside [1 − ε, 1 + ε].
            let insideClip = ratio >= 1 - clipRange && ratio <= 1 + clipRange
            let throughUnclipped = unclippedTerm < clippedTerm ? 1.0 : unclippedTerm > clippedTerm ? 0 : 0.5
            let slope = throughUnclipped + (1 - throughUnclipped) * (insideClip ? 1 : 0)
            logProbabilityGradient[row] = -advantage * ratio * slope / count
            approximateKL += (ratio - 1 - logRatio) / count
            if abs(ratio - 1) > clipRange { clipped += 1 }
        }
        let entropyLoss = -entropies.reduce(0, +) / count
        let entropyGradient = [Double](repeating: -configuration.entropyCoefficient / count, count: batch)

        // The value loss, with the optional clip of the prediction around the rollout's value.
        parameters.value.forward(minibatch.observations, cache: &workspace.valueCache)
        var valueLoss = 0.0
        workspace.valueGradient.resize(rows: batch, columns: 1)
        for row in 0..<batch {
            let value = Double(workspace.valueCache.output[row, 0])
            var prediction = value
            var passes = 1.0
            if let range = configuration.valueClipRange {
                let old = minibatch.oldValues[row]
                prediction = old + min(max(value - old, -range), range)
                passes = abs(value - old) <= range ? 1 : 0
            }
            let error = prediction - minibatch.returns[row]
            valueLoss += error * error / count
            workspace.valueGradient[row, 0] = Scalar(configuration.valueCoefficient * 2 * error / count * passes)
        }

        let gaussian = DiagonalGaussian.backward(
            actions: minibatch.actions, means: means, variances: variances, logDeviation: logDeviation,
            latent: latent, logProbabilityGradient: logProbabilityGradient, entropyGradient: entropyGradient)
        if workspace.storedGradient == nil { workspace.storedGradient = parameters.zeroed() }
        parameters.policy.backward(&workspace.policyCache, outputGradient: gaussian.meanGradient,
                                   gradient: &workspace.storedGradient!.policy, computingInputGradient: false)
        workspace.storedGradient!.logDeviation.values = gaussian.logDeviationGradient
        parameters.value.backward(&workspace.valueCache, outputGradient: workspace.valueGradient,
                                  gradient: &workspace.storedGradient!.value, computingInputGradient: false)
        return Terms(policyLoss: policyLoss, valueLoss: valueLoss, entropyLoss: entropyLoss,
                     total: policyLoss + configuration.entropyCoefficient * entropyLoss
                         + configuration.valueCoefficient * valueLoss,
                     approximateKL: approximateKL, clipFraction: Double(clipped) / count)
    }
}

/// PPO's state-independent log standard deviation ℓ (`1 × dim(A)`), or gSDE's log σ_W (`H × dim(A)`), as a
/// parameter group of one tensor.
public struct LogStandardDeviation<Scalar: BLASScalar>: ParameterGroup, Sendable, Equatable {
    /// The tensor.
    public var values: Matrix<Scalar>

    /// The group holding `values`.
    public init(values: Matrix<Scalar>) { self.values = values }

    /// One tensor, ``values``.
    public var tensorCount: Int { 1 }
    /// ``values``, the only tensor.
    public func tensor(at index: Int) -> Matrix<Scalar> { values }
    /// Calls `body` with in-place access to ``values``, the only tensor.
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result { try body(&values) }
    /// `logStandardDeviation`.
    public func tensorName(at index: Int) -> String { "logStandardDeviation" }
}

/// Everything PPO learns, in one parameter group (for the joint gradient clip and for archives): the policy
/// network's tensors, then log σ, then the value network's.
public struct PPOParameters<Scalar: BLASScalar>: ParameterGroup, Sendable, Equatable {
    /// μ(s), in raw action units.
    public var policy: MLP<Scalar>
    /// log σ.
    public var logDeviation: LogStandardDeviation<Scalar>
    /// V(s).
    public var value: MLP<Scalar>

    /// The group from its parts.
    public init(policy: MLP<Scalar>, logDeviation: LogStandardDeviation<Scalar>, value: MLP<Scalar>) {
        self.policy = policy
        self.logDeviation = logDeviation
        self.value = value
    }

    /// The policy network's tensors, one for log σ, then the value network's.
    public var tensorCount: Int { policy.tensorCount + 1 + value.tensorCount }

    /// The tensor at `index`: the policy network's, then log σ, then the value network's.
    public func tensor(at index: Int) -> Matrix<Scalar> {
        if index < policy.tensorCount { return policy.tensor(at: index) }
        if index == policy.tensorCount { return logDeviation.values }
        return value.tensor(at: index - policy.tensorCount - 1)
    }

    /// In-place access to the tensor at `index`, in the order of ``tensor(at:)``.
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        if index < policy.tensorCount { return try policy.withTensor(at: index, body) }
        if index == policy.tensorCount { return try body(&logDeviation.values) }
        return try value.withTensor(at: index - policy.tensorCount - 1, body)
    }

    /// `policy.<name>`, `logStandardDeviation` or `value.<name>`, by the part the index falls in.
    public func tensorName(at index: Int) -> String {
        if index < policy.tensorCount { return "policy." + policy.tensorName(at: index) }
        if index == policy.tensorCount { return "logStandardDeviation" }
        return "value." + value.tensorName(at: index - policy.tensorCount - 1)
    }
}
