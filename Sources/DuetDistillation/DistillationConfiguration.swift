import DuetConfiguration

/// How the distillation weight wᵢ of a state sᵢ is computed from the disadvantage ξᵢ (the ablation axis).
public enum DistillationWeighting: String, ConfigurationChoice {
    /// The paper's soft weighting (Eq. 11): wᵢ ∝ clip(exp(α·ξᵢ), lo, hi). The default.
    case disadvantage
    /// The paper's hard weighting (Eq. 9): wᵢ ∝ 1(ξᵢ > 0): imitate the peer only where it is better.
    case indicator
    /// Plain mutual distillation: every state counts the same, whatever ξ.
    case uniform
    /// What the released DPD-DDPG code computes: an (N,1)×(N,) broadcast makes its weighted loss the plain
    /// *sum* Σᵢ ℓᵢ over the batch, whatever α is (dpd-algorithm.md §3, defect 1).
    case referenceDDPG = "reference-ddpg"
    /// What the released DPD-PPO code computes: the sign is reversed, wᵢ ∝ clip(exp(−α·ξᵢ), lo, hi), so states
    /// where the learner is already better weigh more (defect 3); and its loss is the batch *mean* of the
    /// normalised-weighted losses, so the weights carry an extra factor 1/N (`reduce_mean(ℓ · w)` with Σw = 1).
    case referencePPO = "reference-ppo"
}

/// Which value the learner's own side of the disadvantage ξ(s) = V^π̃(s) − V^π(s) uses.
public enum ValueEstimate: String, ConfigurationChoice {
    /// The paper: each learner's own critic at its own action, ξ = Q̃(s, π̃(s)) − Q(s, π(s)).
    case ownAction = "own-action"
    /// The released DPD-DDPG code: the learner's critic at the *peer's* action, ξ = Q̃(s, π̃(s)) − Q(s, π̃(s))
    /// (defect 2).
    case peerAction = "peer-action"
    /// The learner's own critic judges both actions, ξ = Q(s, π̃(s)) − Q(s, π(s)): a bias of one critic against
    /// the other cancels, so ξ compares the two policies rather than the two critics. Off-policy learners only.
    case ownCritic = "own-critic"
    /// Each learner's minimum over its critics at its own action, ξ = minⱼ Q̃ⱼ(s, π̃(s)) − minⱼ Qⱼ(s, π(s)) (the
    /// twin critics of TD3 and SAC, as their own targets use them; DDPG's one critic). Off-policy learners only.
    case minCritics = "min-critics"

    /// Whether the estimate needs critics of actions (Q(s, a)), which PPO learners do not have.
    public var needsActionValues: Bool { self != .ownAction }
}

/// How the disadvantages ξᵢ of a batch are scaled before the weighting sees them.
public enum DisadvantageScale: String, ConfigurationChoice {
    /// ξ as the critics give it (the paper).
    case none
    /// ξᵢ / σ(ξ), σ the batch's population standard deviation (ξ unchanged when σ is 0): α then acts on a
    /// scale-free ξ, whatever the scale of the returns.
    case standardize
}

/// What the learner imitates on each distillation state.
public enum DistillationTarget: String, ConfigurationChoice {
    /// The peer's deterministic action or policy mean (default).
    case mean
    /// A sample from the peer's policy, as the released DPD-PPO code does (defect 5); needs a stochastic peer.
    case sample
}

/// What a distillation step minimises (the distillation family, dpd-algorithm.md §6).
public enum DistillationObjectiveKind: String, ConfigurationChoice {
    /// Action matching (the paper, Eq. 11): Σᵢ wᵢ · meanₖ(π(sᵢ)ₖ − ãᵢₖ)². The default.
    case actions
    /// Sample relations (``SampleRelations``): match the B×B pairwise distances and angles between the batch's
    /// actions or last hidden features, not the outputs; works across widths and architectures.
    case relations
    /// Layer relations (``LayerRelations``): per state, match the cosines between the policy's successive hidden
    /// layers, projected to a common width.
    case layerRelations = "layer-relations"
    /// Soft targets (``GaussianDivergence``): the KL divergence between the peer's and the learner's Gaussian
    /// policies (SAC before squashing, PPO over raw actions), weighted per state as the action matching is.
    case kl
}

/// The `relations:` block: the settings of the `relations` and `layer-relations` objectives.
public struct RelationConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// What the sample relations compare: the actions (default) or the last hidden layers.
    public var features = RelationFeatures.actions
    /// λ_D, the distance relation's coefficient (RKD's 25 : 50 ratio gives the defaults 1 : 2).
    public var distance = 1.0
    /// λ_A, the angle relation's coefficient.
    public var angle = 2.0
    /// ρ, the penalty of a relation's difference: huber (default, as the papers) or squared.
    public var penalty = RelationPenalty.huber
    /// m, the common width the layer relations project every hidden layer to.
    public var projectionWidth = 64

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case features, distance, angle, penalty, projectionWidth }

    /// Decodes the `relations:` block, taking the default for each key it omits and rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = RelationConfiguration()
        features = try container.decode(forKey: .features, default: defaults.features)
        distance = try container.decode(forKey: .distance, default: defaults.distance)
        angle = try container.decode(forKey: .angle, default: defaults.angle)
        penalty = try container.decode(forKey: .penalty, default: defaults.penalty)
        projectionWidth = try container.decode(forKey: .projectionWidth, default: defaults.projectionWidth)
    }

    /// Requires λ_D ≥ 0 and λ_A ≥ 0, not both 0, and m ≥ 1.
    public func validate(at path: String) throws {
        try require(distance.isFinite && distance >= 0, "distance", at: path, value: distance, accepted: "a number ≥ 0")
        try require(angle.isFinite && angle >= 0, "angle", at: path, value: angle, accepted: "a number ≥ 0")
        try require(distance + angle > 0, "distance", at: path, value: "distance 0 and angle 0",
                    accepted: "at least one of distance and angle > 0")
        try require(projectionWidth >= 1, "projectionWidth", at: path, value: projectionWidth,
                    accepted: "an integer ≥ 1")
    }
}

/// How the peers take turns.
public enum DistillationSchedule: String, ConfigurationChoice {
    /// The reference code: one learner runs a whole period (``DistillationConfiguration/alternationSteps``
    /// environment steps with its updates and distillation), then the next, round robin.
    case alternate
    /// All learners collect and update at the same time, one thread per core, then distil from a consistent
    /// snapshot of each other, every environment step.
    case lockstep
}

/// Which optimiser takes the distillation step.
public enum DistillationOptimizer: String, ConfigurationChoice {
    /// A separate Adam with its own moments and learning rate (the reference DPD-DDPG).
    case separate
    /// The learner's own policy optimiser, sharing its Adam moments and learning rate: PPO's (the reference
    /// DPD-PPO; only the policy network's moments move), or the actor's Adam of DDPG, TD3 and SAC.
    case shared
}

/// The `distillation:` block of an experiment file: everything about how two peers distil from each other
/// (dpd-algorithm.md §4). A file with this block trains a pair of learners; `enabled: false` (or
/// `duet train --no-distill`) keeps the pair but removes the distillation updates and nothing else.
public struct DistillationConfiguration: ValidatedConfiguration, Encodable, Sendable, Equatable {
    /// Whether the learners distil at all (the ablation switch).
    public var enabled = true
    /// How weights follow from the disadvantage ξ.
    public var weighting = DistillationWeighting.disadvantage
    /// Confidence level of the soft weighting exp(α·ξ). Denoted α (the paper searched [0.1, 10]).
    public var alpha = 1.0
    /// Raw weights are clipped to [lo, hi] before normalisation (the reference code: [0.01, 100]).
    public var weightClip = [0.01, 100]
    /// Divide the weights by their sum over the batch, wᵢ ← wᵢ/Σⱼwⱼ; otherwise wᵢ ← wᵢ/N, a weighted mean.
    public var normalizeWeights = true
    /// How ξ is estimated: each learner's own critic at its own action (the paper), the learner's critic at the
    /// peer's action (the reference DDPG), the learner's own critic for both actions, or the minimum of twin
    /// critics.
    public var valueEstimate = ValueEstimate.ownAction
    /// Scaling of ξ before α: none (the paper) or divided by its batch standard deviation.
    public var xiScale = DisadvantageScale.none
    /// The target action: the peer's mean (default) or a sample from its policy.
    public var target = DistillationTarget.mean
    /// States per distillation step, drawn from the peer's replay buffer (the reference DDPG: 64).
    public var batchSize = 64
    /// Adam step size of the distillation optimiser; overrides each learner's `distillationLearningRate`
    /// when given (the reference DDPG: 1e-4).
    public var learningRate: Double?
    /// Which optimiser takes the step: a separate Adam, or the learner's own policy optimiser.
    public var optimizer = DistillationOptimizer.separate
    /// Global-norm clip of the distillation gradient; overrides each learner's `distillationGradientClip`
    /// when given.
    public var gradientClip: Double?
    /// Learner updates per distillation step (1: one distillation step after every update, as the reference).
    public var every = 1
    /// Draw states from only the peer's most recent `window` transitions; absent means the whole buffer
    /// (the reference code; the paper says the most recent 1000).
    public var window: Int?
    /// How the learners take turns.
    public var schedule = DistillationSchedule.alternate
    /// For `alternate`: environment steps a learner runs before the other takes its turn (the reference DDPG:
    /// one epoch of 20 cycles × 100 steps = 2000).
    public var alternationSteps = 2000
    /// With k > 2 peers, which peers each learner distils from; absent means ``PeerSelection/best``. (With two
    /// peers every selection is the same.)
    public var peerSelection: PeerSelection?
    /// Give every learner's training environments the streams of learner 0's, so all peers see the same initial
    /// states and noise (the released DPD-DDPG code seeds both learners' environments alike, defect 6).
    public var sameEnvironmentSeed = false
    /// What each step minimises: action matching (the paper), sample relations, layer relations or the Gaussian
    /// KL (soft targets).
    public var objective = DistillationObjectiveKind.actions
    /// The settings of the relation objectives.
    public var relations = RelationConfiguration()
    /// For `objective: kl`: KL(peer ‖ learner) (forward, default) or KL(learner ‖ peer).
    public var klDirection = KLDirection.forward
    /// Instance-specific smoothing (``InstanceSmoothing``): the `a` of Beta(a, 1) whose sorted draws shrink each
    /// target toward the learner's own action by the rank of ξ; absent means none. Action matching only.
    public var smoothing: Double?
    /// Teacher-student distillation: the folder of a finished run whose trained learner (its final checkpoint)
    /// the single learner distils from, one way, on its own states; absent means peers distil from each other.
    public var teacher: String?
    /// Which of the teacher run's peers teaches (`learner<i>`).
    public var teacherPeer = 0

    /// The peer selection in force: ``peerSelection`` or `best`.
    public var resolvedPeerSelection: PeerSelection { peerSelection ?? .best }

    /// The paper's defaults with the reference code's sizes.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, weighting, alpha, weightClip, normalizeWeights, valueEstimate, target, batchSize
        case learningRate, optimizer, gradientClip, every, window, schedule, alternationSteps, peerSelection
        case xiScale, sameEnvironmentSeed, objective, relations, klDirection, smoothing, teacher, teacherPeer
    }

    /// Decodes the `distillation:` block, taking the default for each key it omits (the optional ones stay `nil`) and
    /// rejecting any other key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.configurationContainer(keyedBy: CodingKeys.self)
        let defaults = DistillationConfiguration()
        enabled = try container.decode(forKey: .enabled, default: defaults.enabled)
        weighting = try container.decode(forKey: .weighting, default: defaults.weighting)
        alpha = try container.decode(forKey: .alpha, default: defaults.alpha)
        weightClip = try container.decode(forKey: .weightClip, default: defaults.weightClip)
        normalizeWeights = try container.decode(forKey: .normalizeWeights, default: defaults.normalizeWeights)
        valueEstimate = try container.decode(forKey: .valueEstimate, default: defaults.valueEstimate)
        target = try container.decode(forKey: .target, default: defaults.target)
        batchSize = try container.decode(forKey: .batchSize, default: defaults.batchSize)
        learningRate = try container.decodeIfPresent(Double.self, forKey: .learningRate)
        optimizer = try container.decode(forKey: .optimizer, default: defaults.optimizer)
        gradientClip = try container.decodeIfPresent(Double.self, forKey: .gradientClip)
        every = try container.decode(forKey: .every, default: defaults.every)
        window = try container.decodeIfPresent(Int.self, forKey: .window)
        schedule = try container.decode(forKey: .schedule, default: defaults.schedule)
        alternationSteps = try container.decode(forKey: .alternationSteps, default: defaults.alternationSteps)
        peerSelection = try container.decodeIfPresent(PeerSelection.self, forKey: .peerSelection)
        xiScale = try container.decode(forKey: .xiScale, default: defaults.xiScale)
        sameEnvironmentSeed = try container.decode(forKey: .sameEnvironmentSeed, default: defaults.sameEnvironmentSeed)
        objective = try container.decode(forKey: .objective, default: defaults.objective)
        relations = try container.decode(forKey: .relations, default: defaults.relations)
        klDirection = try container.decode(forKey: .klDirection, default: defaults.klDirection)
        smoothing = try container.decodeIfPresent(Double.self, forKey: .smoothing)
        teacher = try container.decodeIfPresent(String.self, forKey: .teacher)
        teacherPeer = try container.decode(forKey: .teacherPeer, default: defaults.teacherPeer)
    }

    /// Writes the keys of the file; the keys added with the fidelity options and the distillation family only
    /// when they differ from their defaults, so the configuration of every earlier run (and its fingerprint)
    /// reads as it did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(weighting, forKey: .weighting)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(weightClip, forKey: .weightClip)
        try container.encode(normalizeWeights, forKey: .normalizeWeights)
        try container.encode(valueEstimate, forKey: .valueEstimate)
        try container.encode(target, forKey: .target)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encodeIfPresent(learningRate, forKey: .learningRate)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encodeIfPresent(gradientClip, forKey: .gradientClip)
        try container.encode(every, forKey: .every)
        try container.encodeIfPresent(window, forKey: .window)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(alternationSteps, forKey: .alternationSteps)
        try container.encodeIfPresent(peerSelection, forKey: .peerSelection)
        if xiScale != .none { try container.encode(xiScale, forKey: .xiScale) }
        if sameEnvironmentSeed { try container.encode(sameEnvironmentSeed, forKey: .sameEnvironmentSeed) }
        if objective != .actions { try container.encode(objective, forKey: .objective) }
        if relations != RelationConfiguration() { try container.encode(relations, forKey: .relations) }
        if klDirection != .forward { try container.encode(klDirection, forKey: .klDirection) }
        try container.encodeIfPresent(smoothing, forKey: .smoothing)
        try container.encodeIfPresent(teacher, forKey: .teacher)
        if teacherPeer != 0 { try container.encode(teacherPeer, forKey: .teacherPeer) }
    }

    /// Checks each value's range (α ≥ 0, 0 < lo ≤ hi < ∞, sizes and cadences ≥ 1, …) and the keys that constrain each
    /// other: `batchSize` ≥ 2 for `relations`, `smoothing` only with `objective: actions`.
    public func validate(at path: String) throws {
        try require(alpha.isFinite && alpha >= 0, "alpha", at: path, value: alpha, accepted: "a number ≥ 0")
        try require(weightClip.count == 2 && weightClip[0] > 0 && weightClip[0] <= weightClip[1]
                        && weightClip[1].isFinite, "weightClip", at: path, value: weightClip,
                    accepted: "[lo, hi] with 0 < lo ≤ hi < ∞")
        try require(batchSize >= 1, "batchSize", at: path, value: batchSize, accepted: "an integer ≥ 1")
        if let learningRate {
            try require(learningRate > 0 && learningRate.isFinite, "learningRate", at: path, value: learningRate,
                        accepted: "a number > 0")
        }
        if let gradientClip {
            try require(gradientClip > 0, "gradientClip", at: path, value: gradientClip, accepted: "a number > 0")
        }
        try require(every >= 1, "every", at: path, value: every, accepted: "an integer ≥ 1")
        if let window { try require(window >= 1, "window", at: path, value: window, accepted: "an integer ≥ 1") }
        try require(alternationSteps >= 1, "alternationSteps", at: path, value: alternationSteps,
                    accepted: "an integer ≥ 1")
        try relations.validate(at: ConfigurationPath.appending("relations", to: path))
        if objective == .relations {
            try require(batchSize >= 2, "batchSize", at: path, value: batchSize,
                        accepted: "an integer ≥ 2 with objective: relations (relations need pairs of states)")
        }
        if let smoothing {
            try require(smoothing.isFinite && smoothing > 0, "smoothing", at: path, value: smoothing,
                        accepted: "a number > 0 (the a of Beta(a, 1))")
            try require(objective == .actions, "smoothing", at: path, value: smoothing,
                        accepted: "smoothing only with objective: actions (it shrinks the action targets)")
        }
        if let teacher {
            try require(!teacher.isEmpty, "teacher", at: path, value: "an empty path", accepted: "a run folder")
        }
        try require(teacherPeer >= 0, "teacherPeer", at: path, value: teacherPeer, accepted: "an integer ≥ 0")
    }

    /// The weight clip range as a pair.
    public var clipRange: (lower: Double, upper: Double) { (weightClip[0], weightClip[1]) }
}
