import DuetNumerics
import DuetRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Soft actor-critic (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", 2018) with automatic
/// entropy tuning, as Stable-Baselines3's `sac.py` (and CleanRL's `sac_continuous_action.py`).
///
/// A squashed actor π_φ (a per-state Gaussian, or gSDE's state-dependent noise; see ``SACPolicy``), two critics
/// Q_θ₁, Q_θ₂ over [s, a] with target copies θ′₁, θ′₂ (no target actor), and the entropy coefficient α, learned
/// as log α. One update on a batch {(sᵢ, aᵢ, rᵢ, s′ᵢ, dᵢ)} of N transitions (dᵢ = 1 only for a termination, so a
/// time-limit truncation still bootstraps), in SB3's order:
///
/// 1. Sample ãᵢ ~ π_φ(·|sᵢ) by reparameterisation (ãᵢ = tanh(μ + σ ⊙ εᵢ), εᵢ ~ N(0, I); under gSDE
///    ãᵢ = tanh(μ + h(sᵢ)·W) with one W ~ N(0, σ_W²) for the whole update, as SB3's `reset_noise()` per gradient
///    step), with log π(ãᵢ|sᵢ).
/// 2. Entropy coefficient: J(log α) = −(1/N)Σᵢ log α·(log π(ãᵢ|sᵢ) + H̄), H̄ = −dim(A) by default; α = exp(log α)
///    is read *before* this step and used in the rest of the update; one Adam step on log α.
/// 3. Target: a′ᵢ ~ π_φ(·|s′ᵢ) with fresh noise (under gSDE, the same W),
///    yᵢ = rᵢ + γ(1 − dᵢ)·(minⱼ Q_θ′ⱼ(s′ᵢ, a′ᵢ) − α·log π(a′ᵢ|s′ᵢ)).
/// 4. Critic loss L(θ) = ½·Σⱼ (1/N)Σᵢ (Q_θⱼ(sᵢ, aᵢ) − yᵢ)² (+ the optional L2 penalty); one Adam step on θ.
/// 5. Actor loss L(φ) = (1/N)Σᵢ [α·log π(ãᵢ|sᵢ) − minⱼ Q_θⱼ(sᵢ, ãᵢ)] with the critics just updated and the
///    sample of step 1; one Adam step on φ.
/// 6. Polyak averaging θ′ ← τθ + (1 − τ)θ′.
///
/// The loss steps are public static functions, generic over the scalar type, so tests can check them in Double;
/// ``update(on:using:)`` calls them in order.
public struct SAC: OffPolicyLearner, Sendable {
    /// Length of the observation vector.
    public let observationDimension: Int
    /// Length of the action vector.
    public let actionDimension: Int
    /// The hyper-parameters.
    public let configuration: SACConfiguration

    /// The actor π_φ: the network f_φ(s) (= [μ, ℓ_raw], or μ under gSDE) and gSDE's log σ_W.
    public private(set) var actor: SACPolicy<Float>
    /// The critics Q_θ₁, Q_θ₂.
    public private(set) var critics: CriticEnsemble<Float>
    /// The target critics Q_θ′₁, Q_θ′₂.
    public private(set) var targetCritics: CriticEnsemble<Float>
    /// log α, the learned (or fixed) log entropy coefficient.
    public var logEntropyCoefficient: Float { entropyParameter.value[0, 0] }
    /// The entropy target H̄.
    public let targetEntropy: Float
    /// Updates made so far.
    public private(set) var updateCount = 0

    private var entropyParameter: EntropyParameter
    private var entropyGradient = EntropyParameter(0)
    private var entropyOptimizer: Adam<Float>?
    private var normalization: ObservationNormalization
    private var actorOptimizer: Adam<Float>
    private var criticOptimizer: Adam<Float>
    private var distillationOptimizer: Adam<Float>
    private var noise: ActionNoise
    /// gSDE: the exploration matrix W held while collecting, the exploration steps since it was drawn, and
    /// whether the learner has updated since (which starts a new collection phase and so a new W).
    private var explorationMatrix = Matrix<Float>()
    private var explorationStepsSinceDraw = 0
    private var hasUpdatedSinceDraw = true
    /// Whether an update has left the target critics to ``updateTargetsIfDue()`` (never between environment
    /// steps, so checkpoints need not store it).
    private var targetUpdateDue = false
    private var acting = SACPolicy<Float>.ActingBuffers()

    // Buffers reused from one update to the next.
    private var observations = Matrix<Float>()
    private var nextObservations = Matrix<Float>()
    private var currentSample = SACPolicy<Float>.Sample()
    private var nextSample = SACPolicy<Float>.Sample()
    private var targets = Matrix<Float>()
    private var actorGradient: SACPolicy<Float>
    private var criticGradient: CriticEnsemble<Float>
    private var workspace = Workspace<Float>()
    private var inference = MLP<Float>.InferenceBuffers()

    /// A learner with freshly initialised networks drawn from `stream` (actor, then critic 1, then critic 2);
    /// the target critics start as copies, log α at log of the configured coefficient and, under gSDE, every
    /// entry of log σ_W at the configured L₀.
    /// - Precondition: dimensions positive.
    public init(observationDimension: Int, actionDimension: Int, configuration: SACConfiguration,
                initialization stream: RandomStream) {
        precondition(observationDimension > 0 && actionDimension > 0, "SAC needs positive dimensions")
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.configuration = configuration
        var source = ActorNetwork.randomSource(stream)
        actor = ActorNetwork.sacPolicy(observationDimension: observationDimension, actionDimension: actionDimension,
                                       hidden: configuration.hidden, layerNorm: configuration.layerNorm,
                                       stateDependentExploration: configuration.stateDependentExploration,
                                       using: &source)
        critics = CriticEnsemble(count: 2, observationDimension: observationDimension,
                                 actionDimension: actionDimension, hidden: configuration.hidden,
                                 layerNorm: configuration.layerNorm, using: &source)
        targetCritics = critics
        actorGradient = actor.zeroed()
        criticGradient = critics.zeroed()
        targetEntropy = Float(configuration.resolvedTargetEntropy(actionDimension: actionDimension))
        entropyParameter = EntropyParameter(Float(log(configuration.entropyCoefficient)))
        entropyOptimizer = configuration.entropyTuning
            ? Adam(for: entropyParameter, learningRate: Float(configuration.entropyLearningRate)) : nil
        actorOptimizer = Adam(for: actor, learningRate: Float(configuration.actorLearningRate))
        criticOptimizer = Adam(for: critics, learningRate: Float(configuration.criticLearningRate))
        distillationOptimizer = Adam(for: actor, learningRate: Float(configuration.distillationLearningRate))
        normalization = ObservationNormalization(dimension: observationDimension,
                                                 isEnabled: configuration.observationNormalization,
                                                 clip: configuration.observationClip)
        noise = ActionNoise(configuration.noise, actionDimension: actionDimension)
    }

    /// The running observation statistics, when observations are normalised.
    public var observationStatistics: RunningMeanStandardDeviation? { normalization.statistics }

    /// The entropy coefficient α = exp(log α).
    public var entropyCoefficient: Double { exp(Double(logEntropyCoefficient)) }

    /// `critic_loss` (L(θ)), `actor_loss` (L(φ)), `entropy_coefficient` (the α used in this update),
    /// `entropy_coefficient_loss` (J(log α), NaN when α is fixed), `entropy` (−mean log π(ã|s) on the batch);
    /// under gSDE also `exploration_std` (the mean of σ_W = exp(log σ_W) after the update, SB3's `train/std`).
    public var updateColumns: [String] {
        ["critic_loss", "actor_loss", "entropy_coefficient", "entropy_coefficient_loss", "entropy"]
            + (actor.usesStateDependentExploration ? ["exploration_std"] : [])
    }

    // MARK: Acting

    /// The squashed mean tanh(μ(s)) (μ clipped under gSDE).
    public func deterministicAction(for observation: [Float]) -> [Float] {
        var buffers = MLP<Float>.InferenceBuffers()
        return actor.mode(for: normalization.prepare(observation), buffers: &buffers)
    }

    /// A sample of the policy (plus action noise, if configured), clipped to [−1, 1]: tanh(μ + σε) with fresh ε,
    /// or under gSDE tanh(μ + h(s)·W) with the held W, re-drawn from `stream` at the start of each collection
    /// phase and every ``StateDependentExplorationConfiguration/resampleEvery`` steps when that is positive.
    public mutating func explorationAction(for observation: [Float], using stream: RandomStream) -> [Float] {
        let prepared = normalization.prepare(observation)
        var action: [Float]
        if let settings = configuration.stateDependentExploration {
            let periodElapsed = settings.resampleEvery > 0 && explorationStepsSinceDraw >= settings.resampleEvery
            if hasUpdatedSinceDraw || periodElapsed || explorationMatrix.count == 0 {
                var standardNormal = Matrix<Float>()
                let shape = actor.noiseShape(batch: 1)
                standardNormal.fillGaussian(rows: shape.rows, columns: shape.columns, standardDeviation: 1,
                                            using: stream)
                explorationMatrix = actor.explorationMatrix(standardNormal: standardNormal)
                explorationStepsSinceDraw = 0
                hasUpdatedSinceDraw = false
            }
            explorationStepsSinceDraw += 1
            action = actor.stateDependentAction(for: prepared, explorationMatrix: explorationMatrix,
                                                buffers: &acting)
        } else {
            let output = actor.network.output(for: prepared, buffers: &inference)
            action = (0..<actionDimension).map { k in
                SquashedGaussian.action(mean: output[k], rawLogStandardDeviation: output[actionDimension + k],
                                        noise: Float(stream.gaussian()))
            }
        }
        noise.add(to: &action, using: stream)
        action.clipToUnitBox()
        return action
    }

    /// Adds the observation to the running statistics, when observations are normalised.
    public mutating func observe(_ observation: [Float]) {
        normalization.observe(observation)
    }

    /// Resets Ornstein-Uhlenbeck action noise (gSDE's W is re-drawn per collection phase, not per episode).
    public mutating func episodeDidEnd(using stream: RandomStream) {
        noise.reset()
    }

    // MARK: Learning

    /// Steps 1–5 above on `batch`, with ε (or gSDE's E) drawn from `stream`, leaving step 6 to
    /// ``updateTargetsIfDue()``; under gSDE the next exploration action starts a new collection phase.
    public mutating func updateBeforeTargets(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        updateCount += 1
        hasUpdatedSinceDraw = true
        normalization.prepare(batch.observations, into: &observations)
        normalization.prepare(batch.nextObservations, into: &nextObservations)

        // 1. ã ~ π_φ(·|s) with ε ~ N(0, I) drawn row by row (under gSDE, E for W = σ_W ⊙ E).
        let noiseShape = actor.noiseShape(batch: batch.count)
        currentSample.noise.fillGaussian(rows: noiseShape.rows, columns: noiseShape.columns, standardDeviation: 1,
                                         using: stream)
        actor.sample(observations: observations, into: &currentSample)
        let entropy = -currentSample.logProbabilities.mean

        // 2. α from before this step; then the log α step.
        let alpha = exp(logEntropyCoefficient)
        var entropyLoss = Double.nan
        if entropyOptimizer != nil {
            let (loss, derivative) = Self.entropyCoefficientLoss(
                logEntropyCoefficient: logEntropyCoefficient, logProbabilities: currentSample.logProbabilities,
                targetEntropy: targetEntropy)
            entropyLoss = loss
            entropyGradient.value[0, 0] = derivative
            entropyOptimizer?.update(&entropyParameter, along: entropyGradient)
        }

        // 3. y = r + γ(1 − d)(minⱼ Q_θ′ⱼ(s′, a′) − α log π(a′|s′)), a′ ~ π_φ(·|s′) with fresh noise (under gSDE
        //    the same W, as SB3 draws it once per gradient step).
        if actor.usesStateDependentExploration {
            nextSample.noise.assign(currentSample.noise)
        } else {
            nextSample.noise.fillGaussian(rows: batch.count, columns: actionDimension, standardDeviation: 1,
                                          using: stream)
        }
        actor.sample(observations: nextObservations, into: &nextSample)
        Self.criticTargets(rewards: batch.rewards, terminations: batch.terminations, nextObservations: nextObservations,
                           nextSample: nextSample, entropyCoefficient: alpha, discount: Float(configuration.discount),
                           targetCritics: targetCritics, workspace: &workspace, into: &targets)

        // 4. Critic step.
        let criticLoss = Self.criticLoss(observations: observations, actions: batch.actions, targets: targets,
                                         critics: critics, weightDecay: Float(configuration.criticWeightDecay),
                                         workspace: &workspace, gradient: &criticGradient)
        criticOptimizer.update(&critics, along: criticGradient)

        // 5. Actor step on the sample of step 1, through the updated critics.
        let actorLoss = Self.actorLoss(observations: observations, sample: &currentSample, actor: actor,
                                       critics: critics, entropyCoefficient: alpha, workspace: &workspace,
                                       gradient: &actorGradient)
        actorOptimizer.update(&actor, along: actorGradient)

        // 6. Target critics, left to `updateTargetsIfDue()` (distillation moves only the actor, so SAC's order
        //    does not change what the targets become).
        targetUpdateDue = true
        var values = [criticLoss, actorLoss, Double(alpha), entropyLoss, entropy]
        if actor.usesStateDependentExploration {
            let logDeviation = actor.explorationLogStandardDeviation
            values.append(logDeviation.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + exp(Double($1)) } }
                / Double(logDeviation.count))
        }
        return UpdateStatistics(values: values)
    }

    /// θ′ ← τθ + (1 − τ)θ′ if an update made it due.
    public mutating func updateTargetsIfDue() {
        guard targetUpdateDue else { return }
        targetUpdateDue = false
        targetCritics.polyakAverage(toward: critics, rate: Float(configuration.targetUpdateRate))
    }

    // MARK: Distillation hooks

    /// tanh(μ(s)) for each row (μ clipped under gSDE).
    public func actions(for observations: Matrix<Float>) -> Matrix<Float> {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        return actor.modes(for: prepared)
    }

    /// Q_θ₁(s, a), the first critic, for a batch of raw observations.
    public func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        var input = Matrix<Float>()
        Matrix.concatenatingColumns(prepared, actions, into: &input)
        return critics.networks[0].forward(input).output.scalars
    }

    /// minⱼ Q_θⱼ(s, a) over the twin critics, for a batch of raw observations.
    public func minimumValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        var input = Matrix<Float>()
        Matrix.concatenatingColumns(prepared, actions, into: &input)
        return critics.minimumValues(for: input)
    }

    /// ã ~ π_φ(·|s) for each row (`target: sample`), reparameterised with standard-normal noise drawn from
    /// `stream` row by row (under gSDE, one exploration matrix E for the batch), in [−1, 1]ᵈ.
    public func sampledActions(for observations: Matrix<Float>, using stream: RandomStream) -> Matrix<Float>? {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        let shape = actor.noiseShape(batch: prepared.rows)
        var sample = SACPolicy<Float>.Sample()
        sample.noise.fillGaussian(rows: shape.rows, columns: shape.columns, standardDeviation: 1, using: stream)
        actor.sample(observations: prepared, into: &sample)
        return sample.actions
    }

    /// One step on Σᵢ wᵢ·meanₖ (tanh(μ(sᵢ))ₖ − ãᵢₖ)²: the gradient reaches the means through tanh
    /// (∂/∂μ = ∂L/∂a·(1 − a²)) and, under gSDE, the mean clip; the log standard deviations get none.
    public mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float])
        -> Double {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        normalization.prepare(observations, into: &self.observations)
        let loss = actor.modeBackward(observations: self.observations, workspace: &workspace.policy,
                                      gradient: &actorGradient) { actions, actionGradient in
            DistillationLoss.weightedSquaredError(prediction: actions, targets: targets, weights: weights,
                                                  gradient: &actionGradient)
        }
        stepDistillation()
        return loss
    }

    /// tanh(μ(s)), the actor's hidden layers and its pre-squash Gaussian (under gSDE, the marginal over W), for
    /// raw observations.
    public func policyReadout(for observations: Matrix<Float>) -> PolicyReadout<Float> {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        var cache = MLP<Float>.Cache()
        return actor.readout(observations: prepared, cache: &cache)
    }

    /// One step on `objective`'s loss of the actor's readout (``SACPolicy/readoutBackward(_:readout:gradient:into:)``
    /// carries its gradient to φ), with the same optimiser and clip as the action-matching step.
    public mutating func distill(states observations: Matrix<Float>, objective: some DistillationObjective)
        -> Double {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        normalization.prepare(observations, into: &self.observations)
        var cache = MLP<Float>.Cache()
        let readout = actor.readout(observations: self.observations, cache: &cache)
        let (loss, gradient) = objective.evaluate(readout)
        actor.readoutBackward(&cache, readout: readout, gradient: gradient, into: &actorGradient)
        stepDistillation()
        return loss
    }

    /// Clips the distillation gradient in ``actorGradient`` when asked and steps the actor with the distillation
    /// optimiser (or the actor's own Adam when the configuration shares it).
    private mutating func stepDistillation() {
        if let clip = configuration.distillationGradientClip { actorGradient.clipByGlobalNorm(Float(clip)) }
        if configuration.distillationSharesOptimizer {
            actorOptimizer.update(&actor, along: actorGradient)
        } else {
            distillationOptimizer.update(&actor, along: actorGradient)
        }
    }
}

// MARK: - The loss steps, in order

extension SAC {
    /// Buffers of the loss steps (critic caches and inputs, intermediate gradients), reused across updates so
    /// that an update allocates nothing once they have seen the batch size.
    public struct Workspace<Scalar: BLASScalar>: Sendable {
        var criticInput = Matrix<Scalar>()
        var criticCaches: [MLP<Scalar>.Cache] = []
        var minimumValues = Matrix<Scalar>()
        var minimumCritics: [Int] = []
        var lossGradient = Matrix<Scalar>()
        var valueGradients: [Matrix<Scalar>] = []
        var actionGradient = Matrix<Scalar>()
        var logProbabilityGradient = Matrix<Scalar>()
        var policy = SACPolicy<Scalar>.Workspace()
        var criticPass = CriticEnsemble<Scalar>.ActionGradientWorkspace()

        /// Empty buffers; the first update sizes them.
        public init() {}
    }

    /// Step 2: J(log α) = −(1/N)Σᵢ log α·(log π(ãᵢ|sᵢ) + H̄) and its derivative
    /// ∂J/∂log α = −(1/N)Σᵢ (log π(ãᵢ|sᵢ) + H̄) (the log-probabilities are constants here).
    public static func entropyCoefficientLoss<Scalar: BLASScalar>(
        logEntropyCoefficient: Scalar, logProbabilities: Matrix<Scalar>, targetEntropy: Scalar
    ) -> (loss: Double, derivative: Scalar) {
        let meanShifted = logProbabilities.mean + Double(targetEntropy)
        return (-Double(logEntropyCoefficient) * meanShifted, Scalar(-meanShifted))
    }

    /// Step 3: yᵢ = rᵢ + γ(1 − dᵢ)·(minⱼ Q_θ′ⱼ(s′ᵢ, a′ᵢ) − α·log π(a′ᵢ|s′ᵢ)), into `targets` (`N × 1`).
    ///
    /// - Parameters:
    ///   - rewards: r, `N × 1`.
    ///   - terminations: d, 1 for a termination and 0 otherwise (truncations included), `N × 1`.
    ///   - nextObservations: s′ as the networks see them, `N × dim(S)`.
    ///   - nextSample: a′ ~ π_φ(·|s′) and its log-probabilities (from ``SACPolicy/sample(observations:into:)``).
    ///   - entropyCoefficient: α.
    ///   - discount: γ.
    public static func criticTargets<Scalar: BLASScalar>(
        rewards: Matrix<Scalar>, terminations: Matrix<Scalar>, nextObservations: Matrix<Scalar>,
        nextSample: SACPolicy<Scalar>.Sample, entropyCoefficient: Scalar, discount: Scalar,
        targetCritics: CriticEnsemble<Scalar>, workspace: inout Workspace<Scalar>, into targets: inout Matrix<Scalar>
    ) {
        let batch = nextObservations.rows
        precondition(rewards.rows == batch && terminations.rows == batch && nextSample.actions.rows == batch,
                     "a SAC target needs one reward, termination and next action per transition")
        Matrix.concatenatingColumns(nextObservations, nextSample.actions, into: &workspace.criticInput)
        targetCritics.forward(workspace.criticInput, caches: &workspace.criticCaches)
        CriticEnsemble.minimum(of: workspace.criticCaches, into: &workspace.minimumValues)
        targets.resize(rows: batch, columns: 1)
        rewards.withUnsafeBufferPointer { r in
            terminations.withUnsafeBufferPointer { d in
                workspace.minimumValues.withUnsafeBufferPointer { q in
                    nextSample.logProbabilities.withUnsafeBufferPointer { logP in
                        targets.withUnsafeMutableBufferPointer { y in
                            for index in 0..<batch {
                                let softValue = q[index] - entropyCoefficient * logP[index]
                                y[index] = r[index] + discount * (1 - d[index]) * softValue
                            }
                        }
                    }
                }
            }
        }
    }

    /// Step 4: L(θ) = ½·Σⱼ (1/N)Σᵢ (Q_θⱼ(sᵢ, aᵢ) − yᵢ)² + (λ/2)·Σ‖W_hidden‖² and its gradient ∂L/∂θ
    /// (∂L/∂Q_θⱼ(sᵢ, aᵢ) = (Q_θⱼ(sᵢ, aᵢ) − yᵢ)/N). Returns L.
    public static func criticLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, actions: Matrix<Scalar>, targets: Matrix<Scalar>,
        critics: CriticEnsemble<Scalar>, weightDecay: Scalar, workspace: inout Workspace<Scalar>,
        gradient: inout CriticEnsemble<Scalar>
    ) -> Double {
        Matrix.concatenatingColumns(observations, actions, into: &workspace.criticInput)
        critics.forward(workspace.criticInput, caches: &workspace.criticCaches)
        var loss = 0.0
        for critic in critics.networks.indices {
            loss += 0.5 * Double(Loss.meanSquaredError(prediction: workspace.criticCaches[critic].output,
                                                       target: targets, gradient: &workspace.lossGradient))
            workspace.lossGradient.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] *= 0.5 }
            }
            critics.networks[critic].backward(&workspace.criticCaches[critic], outputGradient: workspace.lossGradient,
                                              gradient: &gradient.networks[critic], computingInputGradient: false)
        }
        loss += critics.addHiddenWeightPenalty(weightDecay, to: &gradient)
        return loss
    }

    /// Step 5: L(φ) = (1/N)Σᵢ [α·log π(ãᵢ|sᵢ) − minⱼ Q_θⱼ(sᵢ, ãᵢ)] and its gradient ∂L/∂φ, through both the
    /// log-probabilities and the actions of the reparameterised sample `sample` (drawn on `observations` by
    /// ``SACPolicy/sample(observations:into:)``).
    ///
    /// ∂L/∂log π(ãᵢ|sᵢ) = α/N; ∂L/∂Q_θⱼ(sᵢ, ãᵢ) = −1/N for the critic j achieving the minimum in row i (the first
    /// on a tie, as `torch.min`) and 0 for the other, back-propagated to ∂L/∂ãᵢ; then through the squashed
    /// policy (``SACPolicy/backward(_:actionGradient:logProbabilityGradient:gradient:workspace:)``). The critics'
    /// parameters are not changed. Returns L.
    public static func actorLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, sample: inout SACPolicy<Scalar>.Sample, actor: SACPolicy<Scalar>,
        critics: CriticEnsemble<Scalar>, entropyCoefficient: Scalar, workspace: inout Workspace<Scalar>,
        gradient: inout SACPolicy<Scalar>
    ) -> Double {
        let batch = observations.rows
        let observationColumns = observations.columns
        let actionColumns = sample.actions.columns
        let criticCount = critics.count
        // Qⱼ(s, ã)
        Matrix.concatenatingColumns(observations, sample.actions, into: &workspace.criticInput)
        for critic in 0..<criticCount {
            critics.forwardForActionGradient(critic: critic, input: workspace.criticInput,
                                             workspace: &workspace.criticPass)
        }
        // minⱼ Qⱼ(s, ã) and the arg-min critic of each row (the first on a tie)
        workspace.minimumValues.assign(critics.values(of: 0, in: workspace.criticPass))
        if workspace.minimumCritics.count != batch { workspace.minimumCritics = Array(repeating: 0, count: batch) }
        for row in 0..<batch { workspace.minimumCritics[row] = 0 }
        for critic in 1..<max(criticCount, 1) {
            critics.values(of: critic, in: workspace.criticPass).withUnsafeBufferPointer { values in
                workspace.minimumValues.withUnsafeMutableBufferPointer { minimum in
                    for row in 0..<batch where values[row] < minimum[row] {
                        minimum[row] = values[row]
                        workspace.minimumCritics[row] = critic
                    }
                }
            }
        }
        // L = (1/N)Σᵢ (α log π(ãᵢ|sᵢ) − minⱼ Qⱼ); ∂L/∂Qⱼ(sᵢ, ãᵢ) = −1/N for the arg-min critic, else 0
        var total = 0.0
        sample.logProbabilities.withUnsafeBufferPointer { logP in
            workspace.minimumValues.withUnsafeBufferPointer { minimum in
                for row in 0..<batch { total += Double(entropyCoefficient * logP[row] - minimum[row]) }
            }
        }
        let loss = total / Double(batch)
        if workspace.valueGradients.count != criticCount {
            workspace.valueGradients = Array(repeating: Matrix(), count: criticCount)
        }
        let share = -1 / Scalar(batch)
        for critic in 0..<criticCount {
            workspace.valueGradients[critic].resize(rows: batch, columns: 1)
            workspace.valueGradients[critic].withUnsafeMutableBufferPointer { gradient in
                for row in 0..<batch { gradient[row] = workspace.minimumCritics[row] == critic ? share : 0 }
            }
        }
        // ∂L/∂ã = Σⱼ ∂L/∂Qⱼ · ∂Qⱼ/∂a
        workspace.actionGradient.resize(rows: batch, columns: actionColumns)
        workspace.actionGradient.fill(with: 0)
        for critic in 0..<criticCount {
            critics.addActionGradient(critic: critic, outputGradient: workspace.valueGradients[critic],
                                      actionColumns: observationColumns..<(observationColumns + actionColumns),
                                      workspace: &workspace.criticPass, into: &workspace.actionGradient)
        }
        // ∂L/∂log π = α/N; through the policy's squash and noise to φ
        workspace.logProbabilityGradient.resize(rows: batch, columns: 1)
        workspace.logProbabilityGradient.fill(with: entropyCoefficient / Scalar(batch))
        actor.backward(&sample, actionGradient: workspace.actionGradient,
                       logProbabilityGradient: workspace.logProbabilityGradient, gradient: &gradient,
                       workspace: &workspace.policy)
        return loss
    }
}

/// log α as a one-tensor ``ParameterGroup``, so that the entropy coefficient has its own ``Adam`` optimiser (SB3's
/// `ent_coef_optimizer` over `log_ent_coef`).
struct EntropyParameter: ParameterGroup, Sendable, Equatable {
    /// log α, `1 × 1`.
    var value: Matrix<Float>

    init(_ logValue: Float) { value = Matrix(rows: 1, columns: 1, repeating: logValue) }

    var tensorCount: Int { 1 }
    func tensor(at index: Int) -> Matrix<Float> { value }
    mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Float>) throws -> Result) rethrows -> Result {
        try body(&value)
    }
    func tensorName(at index: Int) -> String { "logEntropyCoefficient" }
}

// MARK: - Checkpoints

extension SAC {
    /// Stores the actor, critics and targets, log α, the Adams (log α's when tuned), the update count, observation
    /// statistics, action noise and, under gSDE, the held W and its phase counters.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        archive.store(actor, prefix: LearnerArchiving.name("actor", in: prefix))
        archive.store(critics, prefix: LearnerArchiving.name("critics", in: prefix))
        archive.store(targetCritics, prefix: LearnerArchiving.name("targetCritics", in: prefix))
        archive.store(entropyParameter, prefix: prefix)
        actorOptimizer.store(in: &archive, prefix: LearnerArchiving.name("actorAdam", in: prefix))
        criticOptimizer.store(in: &archive, prefix: LearnerArchiving.name("criticAdam", in: prefix))
        distillationOptimizer.store(in: &archive, prefix: LearnerArchiving.name("distillationAdam", in: prefix))
        entropyOptimizer?.store(in: &archive, prefix: LearnerArchiving.name("entropyAdam", in: prefix))
        archive.store(updateCount, as: LearnerArchiving.name("updateCount", in: prefix))
        normalization.store(in: &archive, prefix: LearnerArchiving.name("observationStatistics", in: prefix))
        noise.store(in: &archive, prefix: LearnerArchiving.name("actionNoise", in: prefix))
        if actor.usesStateDependentExploration {
            archive.store(explorationMatrix, as: LearnerArchiving.name("explorationMatrix", in: prefix))
            archive.store(explorationStepsSinceDraw, as: LearnerArchiving.name("explorationStepsSinceDraw", in: prefix))
            archive.store(hasUpdatedSinceDraw ? 1 : 0, as: LearnerArchiving.name("hasUpdatedSinceDraw", in: prefix))
        }
    }

    /// Restores what ``store(in:prefix:)`` wrote, all or nothing; a stored W must be empty or shaped as log σ_W.
    public mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        var restored = self
        try archive.restore(&restored.actor, prefix: LearnerArchiving.name("actor", in: prefix))
        try archive.restore(&restored.critics, prefix: LearnerArchiving.name("critics", in: prefix))
        try archive.restore(&restored.targetCritics, prefix: LearnerArchiving.name("targetCritics", in: prefix))
        try archive.restore(&restored.entropyParameter, prefix: prefix)
        try restored.actorOptimizer.restore(from: archive, prefix: LearnerArchiving.name("actorAdam", in: prefix))
        try restored.criticOptimizer.restore(from: archive, prefix: LearnerArchiving.name("criticAdam", in: prefix))
        try restored.distillationOptimizer.restore(from: archive,
                                                   prefix: LearnerArchiving.name("distillationAdam", in: prefix))
        try restored.entropyOptimizer?.restore(from: archive, prefix: LearnerArchiving.name("entropyAdam", in: prefix))
        restored.updateCount = try LearnerArchiving.count(named: LearnerArchiving.name("updateCount", in: prefix),
                                                          in: archive)
        try restored.normalization.restore(from: archive,
                                           prefix: LearnerArchiving.name("observationStatistics", in: prefix))
        try restored.noise.restore(from: archive, prefix: LearnerArchiving.name("actionNoise", in: prefix))
        if actor.usesStateDependentExploration {
            let matrix = try archive.tensor(named: LearnerArchiving.name("explorationMatrix", in: prefix))
            guard matrix.count == 0 || matrix.shape == actor.explorationLogStandardDeviation.shape else {
                throw NumericsError.shapeMismatch(source: archive.source,
                                                  name: LearnerArchiving.name("explorationMatrix", in: prefix),
                                                  stored: matrix.shape, expected: actor.explorationLogStandardDeviation.shape)
            }
            restored.explorationMatrix = matrix
            restored.explorationStepsSinceDraw = try LearnerArchiving.count(
                named: LearnerArchiving.name("explorationStepsSinceDraw", in: prefix), in: archive)
            restored.hasUpdatedSinceDraw = try LearnerArchiving.boolean(
                named: LearnerArchiving.name("hasUpdatedSinceDraw", in: prefix), in: archive)
        }
        self = restored
    }
}
