import DuetNumerics
import DuetRandom

/// Twin delayed deep deterministic policy gradient (Fujimoto, van Hoof and Meger, "Addressing Function
/// Approximation Error in Actor-Critic Methods", ICML 2018), as Stable-Baselines3's `td3.py` and CleanRL's
/// `td3_continuous_action.py`.
///
/// A deterministic actor μ_φ, two critics Q_θ₁, Q_θ₂ over [s, a], and target copies φ′, θ′₁, θ′₂. One update on a
/// batch {(sᵢ, aᵢ, rᵢ, s′ᵢ, dᵢ)} of N transitions (dᵢ = 1 only for a termination, so a time-limit truncation
/// still bootstraps):
///
/// 1. Target policy smoothing: ã′ᵢ = clip(μ_φ′(s′ᵢ) + clip(εᵢ, −c, c), −1, 1), εᵢ ~ N(0, σ̃²).
/// 2. Clipped double-Q target: yᵢ = rᵢ + γ(1 − dᵢ)·minⱼ Q_θ′ⱼ(s′ᵢ, ã′ᵢ).
/// 3. Critic loss L(θ) = Σⱼ (1/N)Σᵢ (Q_θⱼ(sᵢ, aᵢ) − yᵢ)² (+ the optional L2 penalty); one Adam step on θ₁, θ₂.
/// 4. Every d-th update: actor loss L(φ) = −(1/N)Σᵢ Q_θ₁(sᵢ, μ_φ(sᵢ)) with the critics just updated, one Adam
///    step on φ; then Polyak averaging θ′ ← τθ + (1 − τ)θ′ and φ′ ← τφ + (1 − τ)φ′.
///
/// Exploration adds Gaussian or Ornstein-Uhlenbeck noise to μ(s) and clips to [−1, 1]. Observations are
/// normalised first when the configuration asks for it. The loss steps are public static functions, generic
/// over the scalar type, so tests can check them in Double; ``update(on:using:)`` calls them in order.
public struct TD3: OffPolicyLearner, Sendable {
    /// The hyper-parameters.
    public let configuration: TD3Configuration
    /// The networks, optimisers, normalisation and noise TD3 shares with DDPG (two critics here).
    public private(set) var core: DeterministicActorCritic

    private var smoothingNoise = Matrix<Float>()
    private var workspace = Workspace<Float>()

    /// A learner with freshly initialised networks drawn from `stream` (actor, then critic 1, then critic 2);
    /// the targets start as copies.
    /// - Precondition: dimensions positive.
    public init(observationDimension: Int, actionDimension: Int, configuration: TD3Configuration,
                initialization stream: RandomStream) {
        self.configuration = configuration
        core = DeterministicActorCritic(observationDimension: observationDimension, actionDimension: actionDimension,
                                        settings: configuration.settings, criticCount: 2, initialization: stream)
    }

    /// Length of the observation vector.
    public var observationDimension: Int { core.observationDimension }
    /// Length of the action vector.
    public var actionDimension: Int { core.actionDimension }
    /// The actor μ_φ.
    public var actor: MLP<Float> { core.actor }
    /// The target actor μ_φ′.
    public var targetActor: MLP<Float> { core.targetActor }
    /// The critics Q_θ₁, Q_θ₂.
    public var critics: CriticEnsemble<Float> { core.critics }
    /// The target critics Q_θ′₁, Q_θ′₂.
    public var targetCritics: CriticEnsemble<Float> { core.targetCritics }
    /// Updates made so far; the actor is updated when this is a multiple of the policy delay d.
    public var updateCount: Int { core.updateCount }
    /// The running observation statistics, when observations are normalised.
    public var observationStatistics: RunningMeanStandardDeviation? { core.observationStatistics }

    /// `critic_loss` (L(θ)), `actor_loss` (L(φ), NaN on delayed steps), `q_mean` (mean Q_θ₁(s, a) on the batch).
    public var updateColumns: [String] { ["critic_loss", "actor_loss", "q_mean"] }

    // MARK: Acting

    /// μ_φ(s) of one raw observation (normalised first when observations are normalised).
    public func deterministicAction(for observation: [Float]) -> [Float] { core.deterministicAction(for: observation) }

    /// μ_φ(s) plus the Gaussian or Ornstein-Uhlenbeck action noise, clipped to [−1, 1].
    public mutating func explorationAction(for observation: [Float], using stream: RandomStream) -> [Float] {
        core.explorationAction(for: observation, using: stream)
    }

    /// Adds the observation to the running statistics, when observations are normalised.
    public mutating func observe(_ observation: [Float]) { core.observe(observation) }

    /// Resets Ornstein-Uhlenbeck noise; nothing is drawn from `stream`.
    public mutating func episodeDidEnd(using stream: RandomStream) { core.resetNoise() }

    // MARK: Learning

    /// Steps 1–3 above on `batch` (ε drawn from `stream`), and every d-th update the actor step of 4, which makes the
    /// Polyak averaging due for ``updateTargetsIfDue()``.
    public mutating func updateBeforeTargets(on batch: ReplayBatch, using stream: RandomStream) -> UpdateStatistics {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        core.updateCount += 1
        core.prepare(batch)

        // 1–2. y = r + γ(1 − d)·minⱼ Q_θ′ⱼ(s′, ã′) with smoothed target actions (ε drawn row by row).
        smoothingNoise.fillGaussian(rows: batch.count, columns: actionDimension,
                                    standardDeviation: configuration.targetPolicyNoise, using: stream)
        Self.criticTargets(nextObservations: core.nextObservations, rewards: batch.rewards,
                           terminations: batch.terminations, smoothingNoise: smoothingNoise,
                           noiseClip: Float(configuration.targetNoiseClip), discount: Float(configuration.discount),
                           targetActor: core.targetActor, targetCritics: core.targetCritics, workspace: &workspace,
                           into: &core.targets)

        // 3. Critic step.
        let criticLoss = Self.criticLoss(observations: core.observations, actions: batch.actions,
                                         targets: core.targets, critics: core.critics,
                                         weightDecay: Float(configuration.criticWeightDecay),
                                         workspace: &workspace, gradient: &core.criticGradient)
        let meanValue = workspace.criticCaches[0].output.mean
        core.stepCritics()

        // 4. Delayed actor step; its target updates are left to `updateTargetsIfDue()`.
        var actorLoss = Double.nan
        if core.updateCount % configuration.policyDelay == 0 {
            actorLoss = Self.actorLoss(observations: core.observations, actor: core.actor, critics: core.critics,
                                       workspace: &workspace, gradient: &core.actorGradient)
            core.stepActor()
            core.targetUpdateDue = true
        }
        return UpdateStatistics(values: [criticLoss, actorLoss, meanValue])
    }

    // MARK: Distillation hooks

    /// μ_φ(s) for a batch of raw observations.
    public func actions(for observations: Matrix<Float>) -> Matrix<Float> { core.actions(for: observations) }

    /// The Polyak averaging of step 4, θ′ ← τθ + (1 − τ)θ′ and φ′ ← τφ + (1 − τ)φ′, after an update that
    /// stepped the actor.
    public mutating func updateTargetsIfDue() { core.updateTargetsIfDue() }

    /// Q_θ₁(s, a), the first critic, for a batch of raw observations.
    public func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        core.values(for: observations, actions: actions)
    }

    /// minⱼ Q_θⱼ(s, a) over the twin critics, for a batch of raw observations.
    public func minimumValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        core.minimumValues(for: observations, actions: actions)
    }

    /// π(s) = μ_φ(s) and V(s) = Q_θ₁(s, μ_φ(s)), keeping the actor's pass for a distillation step on the same states.
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

extension TD3 {
    /// Buffers of the loss steps (network caches, critic inputs, intermediate gradients), reused across updates
    /// so that an update allocates nothing once they have seen the batch size.
    public struct Workspace<Scalar: BLASScalar>: Sendable {
        var actorCache = MLP<Scalar>.Cache()
        var criticInput = Matrix<Scalar>()
        var criticCaches: [MLP<Scalar>.Cache] = []
        var nextActions = Matrix<Scalar>()
        var minimumValues = Matrix<Scalar>()
        var lossGradient = Matrix<Scalar>()
        var actionGradient = Matrix<Scalar>()
        var valueGradient = Matrix<Scalar>()
        var criticPass = CriticEnsemble<Scalar>.ActionGradientWorkspace()

        /// Empty buffers; the first update sizes them.
        public init() {}
    }

    /// Steps 1–2: the critic targets yᵢ = rᵢ + γ(1 − dᵢ)·minⱼ Q_θ′ⱼ(s′ᵢ, ã′ᵢ) with
    /// ã′ᵢ = clip(μ_φ′(s′ᵢ) + clip(εᵢ, −c, c), −1, 1), written into `targets` (`N × 1`).
    ///
    /// - Parameters:
    ///   - nextObservations: s′ as the networks see them, `N × dim(S)`.
    ///   - rewards: r, `N × 1`.
    ///   - terminations: d, 1 for a termination and 0 otherwise (truncations included), `N × 1`.
    ///   - smoothingNoise: the unclipped draws εᵢ ~ N(0, σ̃²), `N × dim(A)`.
    ///   - noiseClip: c.
    ///   - discount: γ.
    public static func criticTargets<Scalar: BLASScalar>(
        nextObservations: Matrix<Scalar>, rewards: Matrix<Scalar>, terminations: Matrix<Scalar>,
        smoothingNoise: Matrix<Scalar>, noiseClip: Scalar, discount: Scalar, targetActor: MLP<Scalar>,
        targetCritics: CriticEnsemble<Scalar>, workspace: inout Workspace<Scalar>, into targets: inout Matrix<Scalar>
    ) {
        let batch = nextObservations.rows
        precondition(rewards.rows == batch && terminations.rows == batch && smoothingNoise.rows == batch,
                     "a TD3 target needs one reward, termination and noise row per transition")
        // ã′ = clip(μ_φ′(s′) + clip(ε, −c, c), −1, 1)
        targetActor.forward(nextObservations, cache: &workspace.actorCache)
        workspace.nextActions.assign(workspace.actorCache.output)
        precondition(smoothingNoise.shape == workspace.nextActions.shape, "one smoothing draw per action entry")
        smoothingNoise.withUnsafeBufferPointer { noise in
            workspace.nextActions.withUnsafeMutableBufferPointer { actions in
                for index in actions.indices {
                    let clipped = min(max(noise[index], -noiseClip), noiseClip)
                    actions[index] = min(max(actions[index] + clipped, -1), 1)
                }
            }
        }
        // minⱼ Q_θ′ⱼ(s′, ã′)
        Matrix.concatenatingColumns(nextObservations, workspace.nextActions, into: &workspace.criticInput)
        targetCritics.forward(workspace.criticInput, caches: &workspace.criticCaches)
        CriticEnsemble.minimum(of: workspace.criticCaches, into: &workspace.minimumValues)
        // y = r + γ(1 − d)·min Q′
        targets.resize(rows: batch, columns: 1)
        rewards.withUnsafeBufferPointer { r in
            terminations.withUnsafeBufferPointer { d in
                workspace.minimumValues.withUnsafeBufferPointer { q in
                    targets.withUnsafeMutableBufferPointer { y in
                        for index in 0..<batch { y[index] = r[index] + discount * (1 - d[index]) * q[index] }
                    }
                }
            }
        }
    }

    /// Step 3: the critic loss L(θ) = Σⱼ (1/N)Σᵢ (Q_θⱼ(sᵢ, aᵢ) − yᵢ)² + (λ/2)·Σ‖W_hidden‖², and its gradient
    /// ∂L/∂θ (∂L/∂Q_θⱼ(sᵢ, aᵢ) = 2(Q_θⱼ(sᵢ, aᵢ) − yᵢ)/N, back-propagated through each critic; + λW).
    /// Returns L. Critic j's forward pass stays in the workspace (its mean is the `q_mean` statistic).
    public static func criticLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, actions: Matrix<Scalar>, targets: Matrix<Scalar>,
        critics: CriticEnsemble<Scalar>, weightDecay: Scalar, workspace: inout Workspace<Scalar>,
        gradient: inout CriticEnsemble<Scalar>
    ) -> Double {
        Matrix.concatenatingColumns(observations, actions, into: &workspace.criticInput)
        critics.forward(workspace.criticInput, caches: &workspace.criticCaches)
        var loss = 0.0
        for critic in critics.networks.indices {
            loss += Double(Loss.meanSquaredError(prediction: workspace.criticCaches[critic].output, target: targets,
                                                 gradient: &workspace.lossGradient))
            critics.networks[critic].backward(&workspace.criticCaches[critic], outputGradient: workspace.lossGradient,
                                              gradient: &gradient.networks[critic], computingInputGradient: false)
        }
        loss += critics.addHiddenWeightPenalty(weightDecay, to: &gradient)
        return loss
    }

    /// Step 4: the actor loss L(φ) = −(1/N)Σᵢ Q_θ₁(sᵢ, μ_φ(sᵢ)) and its gradient ∂L/∂φ, obtained by
    /// back-propagating ∂L/∂Q = −1/N through the first critic to its action inputs (∂L/∂a = −(1/N)·∂Q₁/∂a) and
    /// then through the actor. The critics' parameters are not changed. Returns L.
    public static func actorLoss<Scalar: BLASScalar>(
        observations: Matrix<Scalar>, actor: MLP<Scalar>, critics: CriticEnsemble<Scalar>,
        workspace: inout Workspace<Scalar>, gradient: inout MLP<Scalar>
    ) -> Double {
        let batch = observations.rows
        let observationColumns = observations.columns
        let actionColumns = actor.outputCount
        // μ_φ(s), then Q_θ₁(s, μ_φ(s))
        actor.forward(observations, cache: &workspace.actorCache)
        Matrix.concatenatingColumns(observations, workspace.actorCache.output, into: &workspace.criticInput)
        critics.forwardForActionGradient(critic: 0, input: workspace.criticInput, workspace: &workspace.criticPass)
        let loss = -critics.values(of: 0, in: workspace.criticPass).mean
        // ∂L/∂Q₁ = −1/N per row, through the critic to ∂L/∂a
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

extension TD3 {
    /// Stores the shared actor-critic state: networks and targets, the three Adams, the update count, the observation
    /// statistics and the action noise.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        core.store(in: &archive, prefix: prefix)
    }

    /// Restores what ``store(in:prefix:)`` wrote, all or nothing.
    public mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        try core.restore(from: archive, prefix: prefix)
    }
}
