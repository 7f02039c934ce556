import DuetNumerics

/// SAC's policy π_φ, in one of Stable-Baselines3's two forms:
///
/// - **Squashed diagonal Gaussian** (SB3's default): the network f_φ(s) outputs [μ, ℓ_raw] (`2·dim(A)` columns)
///   and a = tanh(μ + σ ⊙ ε) with fresh ε ~ N(0, I) per state; see ``SquashedGaussian``.
/// - **gSDE** (SB3's `use_sde=True`): the network outputs the means μ (`dim(A)` columns), clipped to [−c, c],
///   and the policy holds a learned matrix log σ_W (`H × dim(A)`, H the width of the last hidden layer);
///   a = tanh(μ + h(s)·W) with W ~ N(0, σ_W²) shared by a whole batch or held over many environment steps; see
///   ``StateDependentNoise``.
///
/// φ is the network's tensors, then log σ_W under gSDE. A gradient of the policy is a value of the same type.
public struct SACPolicy<Scalar: BLASScalar>: ParameterGroup, Sendable, Equatable {
    /// f_φ: [μ, ℓ_raw] for the Gaussian form, μ for gSDE.
    public var network: MLP<Scalar>
    /// gSDE's log σ_W, `H × dim(A)`; empty for the Gaussian form.
    public var explorationLogStandardDeviation: Matrix<Scalar>
    /// gSDE's clip c of the means, or `nil` for none (and always for the Gaussian form).
    public let meanClip: Scalar?

    /// The squashed-Gaussian policy over `network`'s [μ, ℓ_raw] outputs.
    public init(network: MLP<Scalar>) {
        precondition(network.outputCount % 2 == 0, "a squashed-Gaussian network outputs [μ, ℓ_raw]")
        self.network = network
        explorationLogStandardDeviation = Matrix()
        meanClip = nil
    }

    /// The gSDE policy over `network`'s μ outputs, with log σ_W (`H × dim(A)`) and an optional mean clip c.
    public init(network: MLP<Scalar>, explorationLogStandardDeviation: Matrix<Scalar>, meanClip: Scalar?) {
        let hiddenWidth = network.widths[network.widths.count - 2]
        precondition(explorationLogStandardDeviation.rows == hiddenWidth
                        && explorationLogStandardDeviation.columns == network.outputCount,
                     "gSDE's log σ_W must be \(hiddenWidth)×\(network.outputCount), "
                        + "not \(explorationLogStandardDeviation.shape)")
        self.network = network
        self.explorationLogStandardDeviation = explorationLogStandardDeviation
        self.meanClip = meanClip
    }

    /// Whether this is the gSDE form.
    public var usesStateDependentExploration: Bool { explorationLogStandardDeviation.count > 0 }

    /// dim(A).
    public var actionDimension: Int {
        usesStateDependentExploration ? network.outputCount : network.outputCount / 2
    }

    // MARK: ParameterGroup

    /// The network's tensors, plus log σ_W under gSDE.
    public var tensorCount: Int { network.tensorCount + (usesStateDependentExploration ? 1 : 0) }

    /// The network's tensor at `index`, or log σ_W past them.
    public func tensor(at index: Int) -> Matrix<Scalar> {
        index < network.tensorCount ? network.tensor(at: index) : explorationLogStandardDeviation
    }

    /// In-place access to the network's tensor at `index`, or to log σ_W past them.
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        index < network.tensorCount ? try network.withTensor(at: index, body)
            : try body(&explorationLogStandardDeviation)
    }

    /// The network's name for the tensor, or `explorationLogStandardDeviation` for log σ_W.
    public func tensorName(at index: Int) -> String {
        index < network.tensorCount ? network.tensorName(at: index) : "explorationLogStandardDeviation"
    }

    // MARK: Sampling

    /// One reparameterised draw of the policy on a batch, kept between the steps that use it.
    public struct Sample: Sendable {
        /// The network's forward pass.
        var cache = MLP<Scalar>.Cache()
        /// The standard-normal draw: ε (`N × dim(A)`) for the Gaussian form; E (`H × dim(A)`, giving
        /// W = exp(log σ_W) ⊙ E) for gSDE. Set it before ``SACPolicy/sample(observations:into:)``.
        public var noise = Matrix<Scalar>()
        /// ã, `N × dim(A)`.
        public internal(set) var actions = Matrix<Scalar>()
        /// log π(ã|s), `N × 1`.
        public internal(set) var logProbabilities = Matrix<Scalar>()
        /// gSDE: the clipped means, W and the draw's buffers.
        var means = Matrix<Scalar>()
        var explorationMatrix = Matrix<Scalar>()
        var draw = StateDependentNoise.Draw<Scalar>()

        /// A sample-to-be with standard-normal draw `noise`.
        public init(noise: Matrix<Scalar> = Matrix()) { self.noise = noise }
    }

    /// The shape of the standard-normal draw ``Sample/noise`` for a batch of `batch` states.
    public func noiseShape(batch: Int) -> (rows: Int, columns: Int) {
        usesStateDependentExploration
            ? (explorationLogStandardDeviation.rows, explorationLogStandardDeviation.columns)
            : (batch, actionDimension)
    }

    /// Draws ã ~ π_φ(·|s) for each row of `observations` with the noise already in `sample.noise`, and
    /// log π(ã|s).
    public func sample(observations: Matrix<Scalar>, into sample: inout Sample) {
        network.forward(observations, cache: &sample.cache)
        if usesStateDependentExploration {
            StateDependentNoise.explorationMatrix(logStandardDeviation: explorationLogStandardDeviation,
                                                  standardNormal: sample.noise, into: &sample.explorationMatrix)
            StateDependentNoise.clipMeans(sample.cache.output, clip: meanClip, into: &sample.means)
            StateDependentNoise.sample(means: sample.means, latent: sample.cache.lastHiddenActivation,
                                       logStandardDeviation: explorationLogStandardDeviation,
                                       explorationMatrix: sample.explorationMatrix, into: &sample.draw)
            sample.actions.assign(sample.draw.actions)
            sample.logProbabilities.assign(sample.draw.logProbabilities)
        } else {
            SquashedGaussian.sample(parameters: sample.cache.output, noise: sample.noise, actions: &sample.actions,
                                    logProbabilities: &sample.logProbabilities)
        }
    }

    /// The gradient ∂L/∂φ of a loss L(ã, log π) of `sample`, given ∂L/∂ã (or `nil`) and ∂L/∂log π
    /// (`N × 1`), into `gradient` (overwritten).
    public func backward(_ sample: inout Sample, actionGradient: Matrix<Scalar>?,
                         logProbabilityGradient: Matrix<Scalar>, gradient: inout SACPolicy,
                         workspace: inout Workspace) {
        if usesStateDependentExploration {
            StateDependentNoise.backward(
                means: sample.means, latent: sample.cache.lastHiddenActivation, draw: sample.draw,
                actionGradient: actionGradient, logProbabilityGradient: logProbabilityGradient,
                meanGradient: &workspace.outputGradient, latentGradient: &workspace.latentGradient,
                logStandardDeviationGradient: &gradient.explorationLogStandardDeviation,
                workspace: &workspace.noise)
            maskClippedMeans(output: sample.cache.output, gradient: &workspace.outputGradient)
            network.backward(&sample.cache, outputGradient: workspace.outputGradient, gradient: &gradient.network,
                             computingInputGradient: false,
                             lastHiddenGradient: network.layers.count > 1 ? workspace.latentGradient : nil)
        } else {
            SquashedGaussian.backward(parameters: sample.cache.output, noise: sample.noise, actions: sample.actions,
                                      actionGradient: actionGradient, logProbabilityGradient: logProbabilityGradient,
                                      into: &workspace.outputGradient)
            network.backward(&sample.cache, outputGradient: workspace.outputGradient, gradient: &gradient.network,
                             computingInputGradient: false)
        }
    }

    /// Buffers of the backward passes, reused from one update to the next.
    public struct Workspace: Sendable {
        var outputGradient = Matrix<Scalar>()
        var latentGradient = Matrix<Scalar>()
        var noise = StateDependentNoise.BackwardWorkspace<Scalar>()
        var modeCache = MLP<Scalar>.Cache()
        var modeActions = Matrix<Scalar>()
        var modeActionGradient = Matrix<Scalar>()

        /// Empty buffers; the first pass sizes them.
        public init() {}
    }

    // MARK: The deterministic action

    /// The deterministic actions tanh(μ(s)) (μ clipped under gSDE) for each row of `observations`.
    public func modes(for observations: Matrix<Scalar>) -> Matrix<Scalar> {
        var actions = Matrix<Scalar>()
        modes(output: network.forward(observations).output, into: &actions)
        return actions
    }

    /// The deterministic action tanh(μ(s)) for one observation, through the batch-1 path.
    public func mode(for observation: [Scalar], buffers: inout MLP<Scalar>.InferenceBuffers) -> [Scalar] {
        var output = [Scalar](repeating: 0, count: network.outputCount)
        observation.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                network.forward(single: source, into: target, buffers: &buffers)
            }
        }
        return (0..<actionDimension).map { Scalar.hyperbolicTangent(clipped(output[$0])) }
    }

    /// One step's worth of ∂L/∂φ for a loss L(tanh(μ(s))) of the deterministic actions, given ∂L/∂a through
    /// `actionGradient`, a closure that receives the actions (`N × dim(A)`) and writes ∂L/∂a and returns L. The
    /// gradient reaches μ through tanh and the clip; ℓ_raw and log σ_W get none.
    public func modeBackward(observations: Matrix<Scalar>, workspace: inout Workspace, gradient: inout SACPolicy,
                             actionGradient: (Matrix<Scalar>, inout Matrix<Scalar>) -> Double) -> Double {
        network.forward(observations, cache: &workspace.modeCache)
        modes(output: workspace.modeCache.output, into: &workspace.modeActions)
        let loss = actionGradient(workspace.modeActions, &workspace.modeActionGradient)
        let batch = observations.rows
        let dimension = actionDimension
        let outputColumns = network.outputCount
        workspace.outputGradient.resize(rows: batch, columns: outputColumns)
        workspace.outputGradient.fill(with: 0)
        workspace.modeActions.withUnsafeBufferPointer { a in
            workspace.modeActionGradient.withUnsafeBufferPointer { gA in
                workspace.outputGradient.withUnsafeMutableBufferPointer { g in
                    for row in 0..<batch {
                        for k in 0..<dimension {
                            let index = row &* dimension &+ k
                            g[row &* outputColumns &+ k] = gA[index] * (1 - a[index] * a[index])
                        }
                    }
                }
            }
        }
        if usesStateDependentExploration {
            maskClippedMeans(output: workspace.modeCache.output, gradient: &workspace.outputGradient)
            gradient.explorationLogStandardDeviation.fill(with: 0)
        }
        network.backward(&workspace.modeCache, outputGradient: workspace.outputGradient, gradient: &gradient.network,
                         computingInputGradient: false)
        return loss
    }

    // MARK: Distillation readout

    /// The policy's readout on a batch (one forward pass into `cache`): the deterministic actions tanh(μ(s)) (μ
    /// clipped under gSDE), the hidden layers, and the pre-squash Gaussian: N(μ(s), σ(s)²) with
    /// log σ = clamp(ℓ_raw, −20, 2) for the Gaussian form; under gSDE the marginal over W,
    /// N(clip(μ(s)), (h ⊙ h)·σ_W² + 10⁻⁶) (``StateDependentMarginal``).
    public func readout(observations: Matrix<Scalar>, cache: inout MLP<Scalar>.Cache) -> PolicyReadout<Scalar> {
        network.forward(observations, cache: &cache)
        var actions = Matrix<Scalar>()
        modes(output: cache.output, into: &actions)
        let gaussian: GaussianReadout<Scalar>
        if usesStateDependentExploration {
            var means = Matrix<Scalar>()
            StateDependentNoise.clipMeans(cache.output, clip: meanClip, into: &means)
            gaussian = StateDependentMarginal.readout(means: means, latent: cache.lastHiddenActivation,
                                                      logStandardDeviation: explorationLogStandardDeviation)
        } else {
            let output = cache.output
            let dimension = actionDimension
            let low = Scalar(SquashedGaussian.minimumLogStandardDeviation)
            let high = Scalar(SquashedGaussian.maximumLogStandardDeviation)
            gaussian = GaussianReadout(
                means: Matrix(rows: output.rows, columns: dimension) { row, k in output[row, k] },
                logDeviations: Matrix(rows: output.rows, columns: dimension) { row, k in
                    min(max(output[row, dimension + k], low), high)
                })
        }
        return PolicyReadout(actions: actions, hidden: cache.hiddenActivations, gaussian: gaussian)
    }

    /// ∂L/∂φ for the gradient `readoutGradient` of a loss of ``readout(observations:cache:)``'s result, into
    /// `gradient` (overwritten): ∂L/∂a reaches μ through tanh (·(1 − a²)), ∂L/∂μ adds to it, ∂L/∂log σ reaches
    /// ℓ_raw where the clamp passes it (−20 ≤ ℓ_raw ≤ 2), the hidden layers' gradients join the backward pass;
    /// under gSDE the mean clip masks μ's gradient and ∂L/∂log σ reaches log σ_W and the features h through the
    /// marginal's variance (SB3's `learn_features=True`).
    public func readoutBackward(_ cache: inout MLP<Scalar>.Cache, readout: PolicyReadout<Scalar>,
                                gradient readoutGradient: PolicyReadoutGradient<Scalar>, into gradient: inout SACPolicy) {
        let batch = cache.output.rows
        let dimension = actionDimension
        let output = cache.output
        let low = Scalar(SquashedGaussian.minimumLogStandardDeviation)
        let high = Scalar(SquashedGaussian.maximumLogStandardDeviation)
        var outputGradient = Matrix<Scalar>(rows: batch, columns: network.outputCount)
        for row in 0..<batch {
            for k in 0..<dimension {
                var meanGradient: Scalar = 0
                if let actionGradient = readoutGradient.actions {
                    let action = readout.actions[row, k]
                    meanGradient += actionGradient[row, k] * (1 - action * action)
                }
                if let means = readoutGradient.means { meanGradient += means[row, k] }
                outputGradient[row, k] = meanGradient
                if let logDeviations = readoutGradient.logDeviations, !usesStateDependentExploration {
                    let raw = output[row, dimension + k]
                    outputGradient[row, dimension + k] = raw >= low && raw <= high ? logDeviations[row, k] : 0
                }
            }
        }
        var latentGradient: Matrix<Scalar>?
        if usesStateDependentExploration {
            maskClippedMeans(output: output, gradient: &outputGradient)
            if let logDeviations = readoutGradient.logDeviations {
                let marginal = StateDependentMarginal.backward(
                    latent: cache.lastHiddenActivation, logStandardDeviation: explorationLogStandardDeviation,
                    logDeviationGradient: logDeviations, computingLatentGradient: true)
                gradient.explorationLogStandardDeviation = marginal.logStandardDeviationGradient
                latentGradient = marginal.latentGradient
            } else {
                gradient.explorationLogStandardDeviation.fill(with: 0)
            }
        }
        network.backward(&cache, outputGradient: outputGradient, gradient: &gradient.network,
                         computingInputGradient: false, lastHiddenGradient: latentGradient,
                         hiddenGradients: readoutGradient.hiddenGradients)
    }

    // MARK: Acting under gSDE

    /// gSDE: a fresh exploration matrix W = exp(log σ_W) ⊙ E for a standard-normal E (`H × dim(A)`).
    public func explorationMatrix(standardNormal: Matrix<Scalar>) -> Matrix<Scalar> {
        var matrix = Matrix<Scalar>()
        StateDependentNoise.explorationMatrix(logStandardDeviation: explorationLogStandardDeviation,
                                              standardNormal: standardNormal, into: &matrix)
        return matrix
    }

    /// The buffers of ``stateDependentAction(for:explorationMatrix:buffers:)``, reused from one environment step
    /// to the next so that acting allocates nothing but the returned action.
    public struct ActingBuffers: Sendable {
        var input = Matrix<Scalar>()
        var cache = MLP<Scalar>.Cache()

        /// Empty buffers; the first action sizes them.
        public init() {}
    }

    /// gSDE: the exploration action tanh(clip(μ(s)) + h(s)·W) for one observation and a held matrix W.
    public func stateDependentAction(for observation: [Scalar], explorationMatrix: Matrix<Scalar>,
                                     buffers: inout ActingBuffers) -> [Scalar] {
        precondition(usesStateDependentExploration, "state-dependent actions need the gSDE policy")
        buffers.input.resize(rows: 1, columns: observation.count)
        buffers.input.withUnsafeMutableBufferPointer { input in
            for index in observation.indices { input[index] = observation[index] }
        }
        network.forward(buffers.input, cache: &buffers.cache)
        let output = buffers.cache.output
        let latent = buffers.cache.lastHiddenActivation
        let hiddenWidth = latent.columns
        return (0..<actionDimension).map { k in
            var noise: Scalar = 0
            for i in 0..<hiddenWidth { noise += latent[0, i] * explorationMatrix[i, k] }
            return Scalar.hyperbolicTangent(clipped(output[0, k]) + noise)
        }
    }

    // MARK: Helpers

    /// μ clipped to [−c, c] under gSDE; unchanged otherwise.
    private func clipped(_ mean: Scalar) -> Scalar {
        guard let clip = meanClip else { return mean }
        return min(max(mean, -clip), clip)
    }

    /// tanh of the mean columns of the network's output (clipped under gSDE).
    private func modes(output: Matrix<Scalar>, into actions: inout Matrix<Scalar>) {
        guard usesStateDependentExploration else {
            SquashedGaussian.mode(parameters: output, into: &actions)
            return
        }
        StateDependentNoise.clipMeans(output, clip: meanClip, into: &actions)
        actions.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = Scalar.hyperbolicTangent(buffer[index]) }
        }
    }

    /// Zeroes ∂L/∂μ where the clip was active (|μ| ≥ c, as `torch.nn.Hardtanh`'s backward).
    private func maskClippedMeans(output: Matrix<Scalar>, gradient: inout Matrix<Scalar>) {
        guard let clip = meanClip else { return }
        output.withUnsafeBufferPointer { mu in
            gradient.withUnsafeMutableBufferPointer { g in
                for index in g.indices where !(mu[index] > -clip && mu[index] < clip) { g[index] = 0 }
            }
        }
    }
}
