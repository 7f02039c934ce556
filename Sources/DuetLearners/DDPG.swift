import DuetNumerics
import DuetRandom

/// Deep deterministic policy gradient (Lillicrap et al., "Continuous Control with Deep Reinforcement Learning",
/// ICLR 2016), with the options of the reference DPD-DDPG learner (OpenAI baselines' `ddpg_learner.py`):
/// layer-normed networks, observation normalisation, an L2 penalty on the critic, adaptive parameter noise.
///
/// A deterministic actor μ_φ, one critic Q_θ over [s, a], and target copies φ′, θ′. One update on a batch
/// {(sᵢ, aᵢ, rᵢ, s′ᵢ, dᵢ)} of N transitions (dᵢ = 1 only for a termination, so a time-limit truncation still
/// bootstraps), in Stable-Baselines3's order (its DDPG is TD3 with one critic, no target smoothing, no delay):
///
/// 0. With parameter noise, every K-th update (the first included): adapt σ on the batch's states (see
///    ``ParameterNoise``), as baselines does before its training step.
/// 1. Target: yᵢ = rᵢ + γ(1 − dᵢ)·Q_θ′(s′ᵢ, μ_φ′(s′ᵢ)).
/// 2. Critic loss L(θ) = (1/N)Σᵢ (Q_θ(sᵢ, aᵢ) − yᵢ)² + (λ/2)·Σ‖W_hidden‖²; one Adam step on θ.
/// 3. Actor loss L(φ) = −(1/N)Σᵢ Q_θ(sᵢ, μ_φ(sᵢ)) with the critic just updated; one Adam step on φ.
/// 4. Polyak averaging θ′ ← τθ + (1 − τ)θ′, φ′ ← τφ + (1 − τ)φ′.
///
/// (Baselines computes both gradients before applying either; SB3 updates the critic first, which Duet follows.)
/// Exploration adds Gaussian or Ornstein-Uhlenbeck noise to μ(s), or acts with the perturbed actor μ̃ of
/// parameter noise, and clips to [−1, 1]. The loss steps are public static functions, generic over the scalar
/// type, so tests can check them in Double; ``update(on:using:)`` calls them in order.
public struct DDPG: OffPolicyLearner, Sendable {
    /// The hyper-parameters.
    public let configuration: DDPGConfiguration
    /// The networks, optimisers, normalisation and noise DDPG shares with TD3 (one critic here).
    public private(set) var core: DeterministicActorCritic
    /// Adaptive parameter noise, when the configuration asks for it.
    public private(set) var parameterNoise: ParameterNoise?

    private var workspace = Workspace<Float>()

    /// A learner with freshly initialised networks drawn from `stream` (actor, then critic); the targets start
    /// as copies. With parameter noise, the first perturbed actor is drawn at the first exploration action.
    /// - Precondition: dimensions positive.
    public init(observationDimension: Int, actionDimension: Int, configuration: DDPGConfiguration,
                initialization stream: RandomStream) {
        self.configuration = configuration
        core = DeterministicActorCritic(observationDimension: observationDimension, actionDimension: actionDimension,
                                        settings: configuration.settings, criticCount: 1, initialization: stream)
        parameterNoise = configuration.noise.kind == .parameter ? ParameterNoise(configuration.noise) : nil
    }

    /// Length of the observation vector.
    public var observationDimension: Int { core.observationDimension }
    /// Length of the action vector.
    public var actionDimension: Int { core.actionDimension }
    /// The actor μ_φ.
    public var actor: MLP<Float> { core.actor }
    /// The target actor μ_φ′.
    public var targetActor: MLP<Float> { core.targetActor }
    /// The critic Q_θ (an ensemble of one).
    public var critics: CriticEnsemble<Float> { core.critics }
    /// The target critic Q_θ′.
    public var targetCritics: CriticEnsemble<Float> { core.targetCritics }
    /// Updates made so far.
    public var updateCount: Int { core.updateCount }
    /// The running observation statistics, when observations are normalised.
    public var observationStatistics: RunningMeanStandardDeviation? { core.observationStatistics }

    /// `critic_loss` (L(θ) with its L2 penalty), `actor_loss` (L(φ)), `q_mean` (mean Q_θ(s, a) on the batch); with
    /// parameter noise also `parameter_noise_sd` (σ after this update) and `parameter_noise_distance` (d, NaN on
    /// updates that do not adapt).
    public var updateColumns: [String] {
        ["critic_loss", "actor_loss", "q_mean"]
            + (parameterNoise == nil ? [] : ["parameter_noise_sd", "parameter_noise_distance"])
    }

    // MARK: Acting

    /// μ_φ(s) of one raw observation (normalised first when observations are normalised).
    public func deterministicAction(for observation: [Float]) -> [Float] { core.deterministicAction(for: observation) }

    /// μ_φ(s) plus the action noise, or with parameter noise the perturbed actor μ̃(s) (drawn now if none is yet),
    /// clipped to [−1, 1].
    public mutating func explorationAction(for observation: [Float], using stream: RandomStream) -> [Float] {
        // With parameter noise, act with the perturbed actor μ̃ (drawn now if no episode has ended yet).
        if parameterNoise != nil && parameterNoise?.perturbedActor == nil {
            parameterNoise?.perturb(core.actor, using: stream)
        }
        return core.explorationAction(for: observation, policy: parameterNoise?.perturbedActor, using: stream)
    }

    /// Adds the observation to the running statistics, when observations are normalised.
    public mutating func observe(_ observation: [Float]) { core.observe(observation) }

    /// Resets Ornstein-Uhlenbeck noise and draws a new perturbed actor from the current one.
    public mutating func episodeDidEnd(using stream: RandomStream) {
        core.resetNoise()
        parameterNoise?.perturb(core.actor, using: stream)
    }

    // MARK: Learning

    /// Steps 0–3 above on `batch` (parameter-noise adaptation when due, critic targets, critic step, actor step),
    /// leaving the Polyak averaging of step 4 to ``updateTargetsIfDue()``.
    public mutating func updateBeforeTargets(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        core.prepare(batch)

        // 0. Parameter-noise adaptation, every K-th update starting with the first.
        var distance = Double.nan
        if let interval = parameterNoise?.adaptationInterval, core.updateCount % interval == 0 {
            distance = parameterNoise?.adapt(actor: core.actor, observations: core.observations, using: stream) ?? .nan
        }
        core.updateCount += 1

        // 1. y = r + γ(1 − d)·Q_θ′(s′, μ_φ′(s′)).
        Self.criticTargets(nextObservations: core.nextObservations, rewards: batch.rewards,
                           terminations: batch.terminations, discount: Float(configuration.discount),
                           targetActor: core.targetActor, targetCritics: core.targetCritics, workspace: &workspace,
                           into: &core.targets)

        // 2. Critic step.
        let criticLoss = Self.criticLoss(observations: core.observations, actions: batch.actions,
                                         targets: core.targets, critics: core.critics,
                                         weightDecay: Float(configuration.criticWeightDecay),
                                         workspace: &workspace, gradient: &core.criticGradient)
        let meanValue = workspace.criticCache.output.mean
        core.stepCritics()

        // 3. Actor step.
        let actorLoss = Self.actorLoss(observations: core.observations, actor: core.actor, critics: core.critics,
                                       workspace: &workspace, gradient: &core.actorGradient)
        core.stepActor()

        // 4. Target updates, left to `updateTargetsIfDue()`.
        core.targetUpdateDue = true

        var values = [criticLoss, actorLoss, meanValue]
        if let parameterNoise { values += [parameterNoise.standardDeviation, distance] }
        return UpdateStatistics(values: values)
    }

    // MARK: Distillation hooks

    /// μ_φ(s) for a batch of raw observations.
    public func actions(for observations: Matrix<Float>) -> Matrix<Float> { core.actions(for: observations) }

    /// Step 4, θ′ ← τθ + (1 − τ)θ′ and φ′ ← τφ + (1 − τ)φ′, if an update has made it due.
    public mutating func updateTargetsIfDue() { core.updateTargetsIfDue() }

    /// Q_θ(s, a) with the one critic, for a batch of raw observations.
    public func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        core.values(for: observations, actions: actions)
    }

    /// Q_θ(s, a) again: the minimum over an ensemble of one critic.
    public func minimumValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        core.minimumValues(for: observations, actions: actions)
    }

    /// π(s) = μ_φ(s) and V(s) = Q_θ(s, μ_φ(s)), keeping the actor's pass for a distillation step on the same states.
    public func policyEvaluation(for observations: Matrix<Float>) -> PolicyEvaluation {
        core.policyEvaluation(for: observations)
    }

    /// One step on Σᵢ wᵢ · meanₖ (μ_φ(sᵢ)ₖ − ãᵢₖ)² with the distillation optimiser (the actor's Adam when shared) and
    /// the distillation gradient clip, if any; returns the loss before the step.
    public mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float])
        -> Double {
        core.distill(states: observations, targets: targets, weights: weights)
    }

    /// The same step, adopting the actor's pass from `forward` when it is still this policy's on these states.
    public mutating func distill(states observations: Matrix<Float>, targets: Matrix<Float>, weights: [Float],
                                 reusing forward: PolicyForward?) -> Double {
        core.distill(states: observations, targets: targets, weights: weights, reusing: forward)
    }

    /// μ_φ(s) and the actor's hidden layers for a batch of raw observations; no Gaussian (a deterministic policy).
    public func policyReadout(for observations: Matrix<Float>) -> PolicyReadout<Float> {
        core.policyReadout(for: observations)
    }

    /// One step on `objective`'s loss of the actor's readout, with the same optimiser and clip as the action step.
    public mutating func distill(states observations: Matrix<Float>, objective: some DistillationObjective)
        -> Double {
        core.distill(states: observations, objective: objective)
    }
}

// MARK: - The loss steps, in order

extension DDPG {
    /// Buffers of the loss steps (network caches, critic inputs, intermediate gradients), reused across updates
    /// so that an update allocates nothing once they have seen the batch size.
    public struct Workspace<Scalar: BLASScalar>: Sendable {
        var actorCache = MLP<Scalar>.Cache()
        var criticInput = Matrix<Scalar>()
        var criticCache = MLP<Scalar>.Cache()
        var lossGradient = Matrix<Scalar>()
        var actionGradient = Matrix<Scalar>()
        var valueGradient = Matrix<Scalar>()
        var criticPass = CriticEnsemble<Scalar>.ActionGradientWorkspace()

        /// Empty buffers; the first update sizes them.
        public init() {}
    }

    /// Step 1: the critic targets yᵢ = rᵢ + γ(1 − dᵢ)·Q_θ′(s′ᵢ, μ_φ′(s′ᵢ)), written into `targets` (`N × 1`).
    ///
    /// - Parameters:
    ///   - nextObservations: s′ as the networks see them, `N × dim(S)`.
    ///   - rewards: r, `N × 1`.
    ///   - terminations: d, 1 for a termination and 0 otherwise (truncations included), `N × 1`.
    ///   - discount: γ.
    ///   - targetCritics: Q_θ′ (the first network is used).
    public static func criticTargets<Scalar: BLASScalar>(
        nextObservations: Matrix<Scalar>, rewards: Matrix<Scalar>, terminations: Matrix<Scalar>, discount: Scalar,
        targetActor: MLP<Scalar>, targetCritics: CriticEnsemble<Scalar>, workspace: inout Workspace<Scalar>,
        into targets: inout Matrix<Scalar>
    ) {
        let batch = nextObservations.rows
        precondition(rewards.rows == batch && terminations.rows == batch,
                     "a DDPG target needs one reward and termination per transition")
        // Q_θ′(s′, μ_φ′(s′))
        targetActor.forward(nextObservations, cache: &workspace.actorCache)
        Matrix.concatenatingColumns(nextObservations, workspace.actorCache.output, into: &workspace.criticInput)
        targetCritics.networks[0].forward(workspace.criticInput, cache: &workspace.criticCache)
        // y = r + γ(1 − d)·Q′
        targets.resize(rows: batch, columns: 1)
        let nextValues = workspace.criticCache.output
        rewards.withUnsafeBufferPointer { r in
            terminations.withUnsafeBufferPointer { d in
                nextValues.withUnsafeBufferPointer { q in
                    targets.withUnsafeMutableBufferPointer { y in
                        for index in 0..<batch { y[index] = r[index] + discount * (1 - d[index]) * q[index] }
                    }
                }
            }
        }
    }

    /// Step 2: the critic loss L(θ) = (1/N)Σᵢ (Q_θ(sᵢ, aᵢ) − yᵢ)² + (λ/2)·Σ‖W_hidden‖² and its gradient ∂L/∂θ
    /// (∂L/∂Q_θ(sᵢ, aᵢ) = 2(Q_θ(sᵢ, aᵢ) − yᵢ)/N back-propagated through the critic, plus λW on the hidden
    /// weights). Returns L; the critic's forward pass stays in the workspace (its mean is `q_mean`).
    public static func criticLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, actions: Matrix<Scalar>, targets: Matrix<Scalar>,
        critics: CriticEnsemble<Scalar>, weightDecay: Scalar, workspace: inout Workspace<Scalar>,
        gradient: inout CriticEnsemble<Scalar>
    ) -> Double {
        Matrix.concatenatingColumns(observations, actions, into: &workspace.criticInput)
        critics.networks[0].forward(workspace.criticInput, cache: &workspace.criticCache)
        var loss = Double(Loss.meanSquaredError(prediction: workspace.criticCache.output, target: targets,
                                                gradient: &workspace.lossGradient))
        critics.networks[0].backward(&workspace.criticCache, outputGradient: workspace.lossGradient,
                                     gradient: &gradient.networks[0], computingInputGradient: false)
        loss += critics.addHiddenWeightPenalty(weightDecay, to: &gradient)
        return loss
    }

    /// Step 3: the actor loss L(φ) = −(1/N)Σᵢ Q_θ(sᵢ, μ_φ(sᵢ)) and its gradient ∂L/∂φ, obtained by
    /// back-propagating ∂L/∂Q = −1/N through the critic to its action inputs and then through the actor. The
    /// critic's parameters are not changed. Returns L.
    public static func actorLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, actor: MLP<Scalar>, critics: CriticEnsemble<Scalar>,
        workspace: inout Workspace<Scalar>, gradient: inout MLP<Scalar>
    ) -> Double {
        let batch = observations.rows
        let observationColumns = observations.columns
        let actionColumns = actor.outputCount
        // μ_φ(s), then Q_θ(s, μ_φ(s))
        actor.forward(observations, cache: &workspace.actorCache)
        Matrix.concatenatingColumns(observations, workspace.actorCache.output, into: &workspace.criticInput)
        critics.forwardForActionGradient(critic: 0, input: workspace.criticInput, workspace: &workspace.criticPass)
        let loss = -critics.values(of: 0, in: workspace.criticPass).mean
        // ∂L/∂Q = −1/N per row, through the critic to ∂L/∂a
        workspace.valueGradient.resize(rows: batch, columns: 1)
        workspace.valueGradient.fill(with: -1 / Scalar(batch))
        workspace.actionGradient.resize(rows: batch, columns: actionColumns)
        workspace.actionGradient.fill(with: 0)
        critics.addActionGradient(critic: 0, outputGradient: workspace.valueGradient,
                                  actionColumns: observationColumns..<(observationColumns + actionColumns),
                                  workspace: &workspace.criticPass, into: &workspace.actionGradient)
        // ∂L/∂φ through μ_φ
        actor.backward(&workspace.actorCache, outputGradient: workspace.actionGradient, gradient: &gradient,
                       computingInputGradient: false)
        return loss
    }
}

// MARK: - Checkpoints

extension DDPG {
    /// Stores the shared actor-critic state (networks, targets, the three Adams, update count, observation
    /// statistics, action noise) and, with parameter noise, its state under `parameterNoise`.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        core.store(in: &archive, prefix: prefix)
        parameterNoise?.store(in: &archive, prefix: LearnerArchiving.name("parameterNoise", in: prefix))
    }

    /// Restores what ``store(in:prefix:)`` wrote, all or nothing.
    public mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        var restored = self
        try restored.core.restore(from: archive, prefix: prefix)
        try restored.parameterNoise?.restore(from: archive, prefix: LearnerArchiving.name("parameterNoise", in: prefix),
                                             actor: core.actor)
        self = restored
    }
}
