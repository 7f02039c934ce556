import DuetNumerics
import DuetRandom

/// The plumbing DDPG and TD3 share: a deterministic actor μ_φ, an ensemble of critics Q_θ (one for DDPG, two for
/// TD3), their target copies φ′, θ′, the three Adam optimisers (actor, critics, distillation), observation
/// normalisation, action noise, the buffers an update reuses, and the distillation hooks and checkpoint entries
/// that follow from them.
///
/// It holds no loss: each algorithm's file keeps its own update, step by step, and calls in here only for what
/// is the same in both (normalising a batch, applying a gradient, Polyak averaging, acting, distilling).
public struct DeterministicActorCritic: Sendable {
    /// Length of the observation vector.
    public let observationDimension: Int
    /// Length of the action vector.
    public let actionDimension: Int
    /// The shared hyper-parameters.
    public let settings: OffPolicySettings

    /// The actor μ_φ.
    public private(set) var actor: MLP<Float>
    /// The target actor μ_φ′.
    public internal(set) var targetActor: MLP<Float>
    /// The critics Q_θⱼ.
    public internal(set) var critics: CriticEnsemble<Float>
    /// The target critics Q_θ′ⱼ.
    public internal(set) var targetCritics: CriticEnsemble<Float>
    /// Updates made so far (each algorithm counts where its update says).
    public internal(set) var updateCount = 0

    private(set) var normalization: ObservationNormalization
    /// Changes with every change of μ(s), of the actor or of the observation normalisation: every method here
    /// that changes either draws a new one.
    private(set) var policyStamp = PolicyStamp.next()
    var actorOptimizer: Adam<Float>
    var criticOptimizer: Adam<Float>
    var distillationOptimizer: Adam<Float>
    var noise: ActionNoise

    // Buffers reused from one update to the next.
    /// The batch's observations as the networks see them (normalised when asked).
    var observations = Matrix<Float>()
    /// The batch's next observations as the networks see them.
    var nextObservations = Matrix<Float>()
    /// The critic targets y.
    var targets = Matrix<Float>()
    /// ∂L/∂φ.
    var actorGradient: MLP<Float>
    /// ∂L/∂θ.
    var criticGradient: CriticEnsemble<Float>
    private var inference = MLP<Float>.InferenceBuffers()
    private var distillationCache = MLP<Float>.Cache()
    private var distillationGradient = Matrix<Float>()

    /// Fresh networks drawn from `stream`: the actor, then each critic in turn; the targets start as copies.
    /// - Precondition: dimensions positive.
    init(observationDimension: Int, actionDimension: Int, settings: OffPolicySettings, criticCount: Int,
         initialization stream: RandomStream) {
        precondition(observationDimension > 0 && actionDimension > 0, "an actor-critic needs positive dimensions")
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        self.settings = settings
        var source = ActorNetwork.randomSource(stream)
        actor = ActorNetwork.deterministic(observationDimension: observationDimension,
                                           actionDimension: actionDimension, hidden: settings.hidden,
                                           layerNorm: settings.layerNorm, using: &source)
        critics = CriticEnsemble(count: criticCount, observationDimension: observationDimension,
                                 actionDimension: actionDimension, hidden: settings.hidden,
                                 layerNorm: settings.layerNorm, using: &source)
        targetActor = actor
        targetCritics = critics
        actorGradient = actor.zeroed()
        criticGradient = critics.zeroed()
        actorOptimizer = Adam(for: actor, learningRate: Float(settings.actorLearningRate))
        criticOptimizer = Adam(for: critics, learningRate: Float(settings.criticLearningRate))
        distillationOptimizer = Adam(for: actor, learningRate: Float(settings.distillationLearningRate))
        normalization = ObservationNormalization(dimension: observationDimension,
                                                 isEnabled: settings.observationNormalization,
                                                 clip: settings.observationClip)
        noise = ActionNoise(settings.noise, actionDimension: actionDimension)
    }

    /// The running observation statistics, when observations are normalised.
    public var observationStatistics: RunningMeanStandardDeviation? { normalization.statistics }

    // MARK: Acting

    /// μ(s) of one raw observation.
    func deterministicAction(for observation: [Float]) -> [Float] {
        var buffers = MLP<Float>.InferenceBuffers()
        return actor.output(for: normalization.prepare(observation), buffers: &buffers)
    }

    /// `policy`(s) (the actor unless given, e.g. a parameter-noise actor μ̃) plus the action noise, clipped to
    /// [−1, 1].
    mutating func explorationAction(for observation: [Float], policy: MLP<Float>? = nil,
                                    using stream: RandomStream) -> [Float] {
        let input = normalization.prepare(observation)
        var action = (policy ?? actor).output(for: input, buffers: &inference)
        noise.add(to: &action, using: stream)
        action.clipToUnitBox()
        return action
    }

    /// Adds an observation to the running statistics (if observations are normalised).
    mutating func observe(_ observation: [Float]) {
        normalization.observe(observation)
        policyStamp = .next()
    }

    /// Resets Ornstein-Uhlenbeck noise at the end of an episode.
    mutating func resetNoise() { noise.reset() }

    // MARK: Update plumbing

    /// Normalises the batch's observations and next observations into ``observations``, ``nextObservations``.
    mutating func prepare(_ batch: ReplayBatch) {
        normalization.prepare(batch.observations, into: &observations)
        normalization.prepare(batch.nextObservations, into: &nextObservations)
    }

    /// One Adam step on θ along ``criticGradient``.
    mutating func stepCritics() { criticOptimizer.update(&critics, along: criticGradient) }

    /// One Adam step on φ along ``actorGradient``.
    mutating func stepActor() {
        actorOptimizer.update(&actor, along: actorGradient)
        policyStamp = .next()
    }

    /// Whether an update has left its target networks to ``updateTargetsIfDue()``. Always false between
    /// environment steps (the trainer completes every update), so checkpoints need not store it.
    var targetUpdateDue = false

    /// Polyak averaging θ′ ← τθ + (1 − τ)θ′, then φ′ ← τφ + (1 − τ)φ′, with τ the target update rate, if an
    /// update made it due.
    mutating func updateTargetsIfDue() {
        guard targetUpdateDue else { return }
        targetUpdateDue = false
        let rate = Float(settings.targetUpdateRate)
        targetCritics.polyakAverage(toward: critics, rate: rate)
        targetActor.polyakAverage(toward: actor, rate: rate)
    }

    // MARK: Distillation hooks

    /// μ(s) for a batch of raw observations.
    func actions(for observations: Matrix<Float>) -> Matrix<Float> {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        return actor.forward(prepared).output
    }

    /// π(s) = μ(s) and V(s) = Q_θ₁(s, μ(s)) for a batch of raw observations, with the actor's pass kept for
    /// ``distill(states:targets:weights:reusing:)``.
    func policyEvaluation(for raw: Matrix<Float>) -> PolicyEvaluation {
        var prepared = Matrix<Float>()
        normalization.prepare(raw, into: &prepared)
        var cache = MLP<Float>.Cache()
        actor.forward(prepared, cache: &cache)
        let actions = cache.output
        return PolicyEvaluation(actions: actions, values: values(forPrepared: prepared, actions: actions),
                                forward: PolicyForward(cache: cache, observations: raw, stamp: policyStamp))
    }

    /// Q_θ₁(s, a) for a batch of raw observations.
    func values(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        return values(forPrepared: prepared, actions: actions)
    }

    /// Q_θ₁(s, a) for a batch of observations already as the networks see them (normalised when asked).
    private func values(forPrepared prepared: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        var input = Matrix<Float>()
        Matrix.concatenatingColumns(prepared, actions, into: &input)
        return critics.networks[0].forward(input).output.scalars
    }

    /// minⱼ Q_θⱼ(s, a) for a batch of raw observations.
    func minimumValues(for observations: Matrix<Float>, actions: Matrix<Float>) -> [Float] {
        var prepared = Matrix<Float>()
        normalization.prepare(observations, into: &prepared)
        var input = Matrix<Float>()
        Matrix.concatenatingColumns(prepared, actions, into: &input)
        return critics.minimumValues(for: input)
    }

    /// One step on Σᵢ wᵢ · meanₖ (μ(sᵢ)ₖ − ãᵢₖ)², through the distillation optimiser (or the actor's own Adam
    /// when ``OffPolicySettings/distillationSharesOptimizer``), with the gradient clipped by its global norm when
    /// asked; returns the loss before the step.
    mutating func distill(states raw: Matrix<Float>, targets: Matrix<Float>, weights: [Float]) -> Double {
        distill(states: raw, targets: targets, weights: weights, reusing: nil)
    }

    /// ``distill(states:targets:weights:)`` with the actor's pass on `raw` taken from `forward` when it is this
    /// policy's pass on these states (the same products, so the same bits), and run here otherwise.
    mutating func distill(states raw: Matrix<Float>, targets: Matrix<Float>, weights: [Float],
                          reusing forward: PolicyForward?) -> Double {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        if let forward, forward.stamp == policyStamp, forward.observations == raw {
            distillationCache.adoptForward(of: forward.cache)
        } else {
            normalization.prepare(raw, into: &observations)
            actor.forward(observations, cache: &distillationCache)
        }
        let loss = DistillationLoss.weightedSquaredError(prediction: distillationCache.output, targets: targets,
                                                         weights: weights, gradient: &distillationGradient)
        actor.backward(&distillationCache, outputGradient: distillationGradient, gradient: &actorGradient,
                       computingInputGradient: false)
        stepDistillation()
        return loss
    }

    /// μ(s) and the actor's hidden layers for a batch of raw observations (a deterministic policy: no Gaussian).
    func policyReadout(for raw: Matrix<Float>) -> PolicyReadout<Float> {
        var prepared = Matrix<Float>()
        normalization.prepare(raw, into: &prepared)
        var cache = MLP<Float>.Cache()
        actor.forward(prepared, cache: &cache)
        return PolicyReadout(actions: cache.output, hidden: cache.hiddenActivations, gaussian: nil)
    }

    /// One step on `objective`'s loss of the actor's readout, through the same optimiser and clip as the
    /// action-matching step; returns the loss before the step.
    mutating func distill(states raw: Matrix<Float>, objective: some DistillationObjective) -> Double {
        let flushing = SubnormalFlushing()
        defer { flushing.end() }
        normalization.prepare(raw, into: &observations)
        actor.forward(observations, cache: &distillationCache)
        let (loss, gradient) = objective.evaluate(
            PolicyReadout(actions: distillationCache.output, hidden: distillationCache.hiddenActivations,
                          gaussian: nil))
        let outputGradient = gradient.actions
            ?? Matrix(rows: observations.rows, columns: distillationCache.output.columns)
        actor.backward(&distillationCache, outputGradient: outputGradient, gradient: &actorGradient,
                       computingInputGradient: false, hiddenGradients: gradient.hiddenGradients)
        stepDistillation()
        return loss
    }

    /// Clips the distillation gradient in ``actorGradient`` when asked and steps the actor with the distillation
    /// optimiser (or the actor's own Adam when ``OffPolicySettings/distillationSharesOptimizer``).
    private mutating func stepDistillation() {
        if let clip = settings.distillationGradientClip { actorGradient.clipByGlobalNorm(Float(clip)) }
        if settings.distillationSharesOptimizer {
            actorOptimizer.update(&actor, along: actorGradient)
        } else {
            distillationOptimizer.update(&actor, along: actorGradient)
        }
        policyStamp = .next()
    }

    // MARK: Checkpoints

    /// Stores the networks, their targets, the three optimisers, the update count, the observation statistics
    /// and the action noise under `prefix`.
    func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        archive.store(actor, prefix: LearnerArchiving.name("actor", in: prefix))
        archive.store(targetActor, prefix: LearnerArchiving.name("targetActor", in: prefix))
        archive.store(critics, prefix: LearnerArchiving.name("critics", in: prefix))
        archive.store(targetCritics, prefix: LearnerArchiving.name("targetCritics", in: prefix))
        actorOptimizer.store(in: &archive, prefix: LearnerArchiving.name("actorAdam", in: prefix))
        criticOptimizer.store(in: &archive, prefix: LearnerArchiving.name("criticAdam", in: prefix))
        distillationOptimizer.store(in: &archive, prefix: LearnerArchiving.name("distillationAdam", in: prefix))
        archive.store(updateCount, as: LearnerArchiving.name("updateCount", in: prefix))
        normalization.store(in: &archive, prefix: LearnerArchiving.name("observationStatistics", in: prefix))
        noise.store(in: &archive, prefix: LearnerArchiving.name("actionNoise", in: prefix))
    }

    /// Restores what ``store(in:prefix:)`` wrote; all or nothing.
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        var restored = self
        try archive.restore(&restored.actor, prefix: LearnerArchiving.name("actor", in: prefix))
        try archive.restore(&restored.targetActor, prefix: LearnerArchiving.name("targetActor", in: prefix))
        try archive.restore(&restored.critics, prefix: LearnerArchiving.name("critics", in: prefix))
        try archive.restore(&restored.targetCritics, prefix: LearnerArchiving.name("targetCritics", in: prefix))
        try restored.actorOptimizer.restore(from: archive, prefix: LearnerArchiving.name("actorAdam", in: prefix))
        try restored.criticOptimizer.restore(from: archive, prefix: LearnerArchiving.name("criticAdam", in: prefix))
        try restored.distillationOptimizer.restore(from: archive,
                                                   prefix: LearnerArchiving.name("distillationAdam", in: prefix))
        restored.updateCount = try LearnerArchiving.count(named: LearnerArchiving.name("updateCount", in: prefix),
                                                          in: archive)
        try restored.normalization.restore(from: archive,
                                           prefix: LearnerArchiving.name("observationStatistics", in: prefix))
        try restored.noise.restore(from: archive, prefix: LearnerArchiving.name("actionNoise", in: prefix))
        restored.policyStamp = .next()
        self = restored
    }
}
