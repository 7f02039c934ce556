// `duet distill-set`'s work: compress a run's kept policy into K synthetic states and compare students trained on
// them with students trained on K real states.
//
//   1. The teacher's own states: `teacherEpisodes` deterministic episodes of the policy, every observation kept
//      (N of them), labelled with the teacher's action a_n = μ(s_n).
//      The student reads states standardised by their mean and standard deviation over these N states.
//   2. The set starts as K distinct states drawn from them with their teacher actions and s = 1, and is learned by
//      `iterations` Adam steps on the exact meta-gradient (DuetDistillation, `StateSetObjective.swift`), keeping
//      the set that started the block of 25 iterations with the lowest mean J (`StateSetDistiller.swift`).
//   3. For each evaluation student j: one θ_0, trained T steps on the learned set (arm `synthetic`) and, from the
//      same θ_0, on K real states drawn afresh from the teacher's states with the teacher's labels and s = 1
//      (arm `real`, the same training and loss); both play the same `episodes` episodes, and so does the teacher.
//
// Streams, under root seed `seed`, child `distill-set`: `teacher episodes`, `initial states`, `student
// initialisations` (the outer loop's θ_0, one after another), and per evaluation student j `student j` (θ_0),
// `real states j` and `evaluation j` (a fresh copy of it for each arm, so all three play the same episodes).
import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetNumerics
import DuetRandom
import Foundation

/// Why a distilled state set cannot be made.
public enum DistilledStateSetError: Error, Equatable, CustomStringConvertible {
    /// K exceeds the teacher's states.
    case tooFewTeacherStates(states: Int, teacherStates: Int, episodes: Int)

    /// The one-line message, naming the flags.
    public var description: String {
        switch self {
        case let .tooFewTeacherStates(states, teacherStates, episodes):
            return "--states \(states): more than the \(teacherStates) teacher states of --teacher-episodes "
                + "\(episodes); raise --teacher-episodes or lower --states"
        }
    }
}

/// The settings of a distilled state set and of its evaluation.
public struct DistilledStateSetSettings: Sendable, Equatable {
    /// K, the synthetic states.
    public var states: Int
    /// The student's hidden widths.
    public var hidden: [Int]
    /// T, the student's gradient steps.
    public var steps: Int
    /// η, the student's step size.
    public var learningRate: Double
    /// The outer iterations.
    public var iterations: Int
    /// Adam's step size on the states and labels.
    public var metaLearningRate: Double
    /// The teacher's episodes whose states the set imitates.
    public var teacherEpisodes: Int
    /// The evaluation students per arm.
    public var students: Int
    /// The episodes each evaluation student plays.
    public var episodes: Int
    /// The root seed of every stream.
    public var seed: UInt64

    /// Settings from their parts.
    public init(states: Int, hidden: [Int], steps: Int, learningRate: Double, iterations: Int,
                metaLearningRate: Double, teacherEpisodes: Int, students: Int, episodes: Int, seed: UInt64) {
        self.states = states
        self.hidden = hidden
        self.steps = steps
        self.learningRate = learningRate
        self.iterations = iterations
        self.metaLearningRate = metaLearningRate
        self.teacherEpisodes = teacherEpisodes
        self.students = students
        self.episodes = episodes
        self.seed = seed
    }
}

/// What a distilled state set study found.
public struct DistilledStateSetResult: Sendable {
    /// The arms of the evaluation.
    public enum Arm: String, Sendable, CaseIterable {
        /// Students trained on the learned set.
        case synthetic
        /// Students trained on K real teacher-labelled states.
        case real
        /// The teacher itself.
        case teacher
    }

    /// One evaluated policy.
    public struct Row: Sendable, Equatable {
        /// Its arm.
        public var arm: Arm
        /// The evaluation student j (for the teacher, the episodes of student j it played).
        public var student: Int
        /// The episodes' returns.
        public var returns: [Double]
        /// L on the teacher's states (0 for the teacher).
        public var imitationLoss: Double
    }

    /// The learned set and its student.
    public var file: DistilledStateSetFile
    /// N, the teacher states.
    public var teacherStateCount: Int
    /// The Adam steps that led to the kept set (the one that started the block with the lowest mean J).
    public var keptIteration: Int
    /// The iterations of a block.
    public var block: Int
    /// J of each outer iteration's student.
    public var losses: [Double]
    /// The evaluated policies, student by student: synthetic, real, teacher.
    public var rows: [Row]
}

/// Runs a distilled state set study on a run's kept policy.
public enum DistilledStateSetStudy {
    /// Learns the set and evaluates both arms (steps 1 to 3 above); `progress` hears each outer iteration.
    /// - Throws: ``DistilledStateSetError`` when K exceeds the teacher's states; ``EnvironmentError`` when the
    ///   environment rejects an action.
    public static func run(_ teacher: SavedPolicy, teacherStep: Int, in registration: EnvironmentRegistration,
                           settings: DistilledStateSetSettings,
                           progress: (_ iteration: Int, _ loss: Double) -> Void = { _, _ in })
        throws -> DistilledStateSetResult {
        let root = RandomStream(seed: settings.seed).child("distill-set")
        // 1. The teacher's own states and actions.
        let states = try teacherStates(teacher, in: registration, episodes: settings.teacherEpisodes,
                                       using: root.child("teacher episodes"))
        guard settings.states <= states.count else {
            throw DistilledStateSetError.tooFewTeacherStates(states: settings.states, teacherStates: states.count,
                                                             episodes: settings.teacherEpisodes)
        }
        let observations = Matrix(states.map { $0.map(Double.init) })
        let actions = Matrix(states.map { teacher.action(for: $0).map(Double.init) })
        let (mean, scale) = standardization(of: observations)
        let student = StateSetStudent(widths: [observations.columns] + settings.hidden + [actions.columns],
                                      steps: settings.steps, learningRate: settings.learningRate,
                                      inputMean: mean, inputScale: scale)
        let objective = StateSetObjective(student: student, teacherStates: observations, teacherActions: actions)

        // 2. The set, from K real states.
        let initial = realSet(of: objective, count: settings.states, using: root.child("initial states"))
        let distiller = StateSetDistiller(objective: objective, iterations: settings.iterations,
                                          learningRate: settings.metaLearningRate)
        let (learned, kept, losses) = distiller.distill(from: initial,
                                                        initializations: root.child("student initialisations"),
                                                        progress: progress)

        // 3. Students on the learned set and on real states, and the teacher, on the same episodes.
        var rows: [DistilledStateSetResult.Row] = []
        for index in 0..<settings.students {
            let start = student.initialNetwork(using: root.child("student \(index)"))
            let real = realSet(of: objective, count: settings.states, using: root.child("real states \(index)"))
            for (arm, set) in [(DistilledStateSetResult.Arm.synthetic, learned), (.real, real)] {
                let network = student.trained(on: set, from: start)
                let outcomes = try PolicyEpisodes.run(policy(of: network, student: student), in: registration,
                                                      episodes: settings.episodes,
                                                      using: root.child("evaluation \(index)"))
                rows.append(.init(arm: arm, student: index, returns: outcomes.map(\.totalReward),
                                  imitationLoss: objective.imitationLoss(of: network)))
            }
            let outcomes = try PolicyEpisodes.run(teacher, in: registration, episodes: settings.episodes,
                                                  using: root.child("evaluation \(index)"))
            rows.append(.init(arm: .teacher, student: index, returns: outcomes.map(\.totalReward), imitationLoss: 0))
        }
        return DistilledStateSetResult(
            file: DistilledStateSetFile(set: learned, student: student, teacherStep: teacherStep),
            teacherStateCount: states.count, keptIteration: kept, block: distiller.block, losses: losses,
            rows: rows)
    }

    /// Every observation the teacher acts on in `episodes` deterministic episodes played on `stream`.
    public static func teacherStates(_ teacher: SavedPolicy, in registration: EnvironmentRegistration, episodes: Int,
                                     using stream: RandomStream) throws -> [[Float]] {
        var environment = registration.make()
        let space = environment.actionSpace
        var states: [[Float]] = []
        for _ in 0..<episodes {
            var observation = environment.reset(using: stream)
            while true {
                states.append(observation)
                let action = PolicyEpisodes.environmentAction(teacher, for: observation, mode: .deterministic, in: space)
                let transition = try environment.step(action, using: stream)
                if transition.isLast { break }
                observation = transition.observation
            }
        }
        return states
    }

    /// K distinct teacher states drawn from `stream`, labelled with the teacher's actions and s = 1.
    public static func realSet(of objective: StateSetObjective, count: Int, using stream: RandomStream) -> StateSet {
        var indices = Array(0..<objective.teacherStates.rows)
        stream.shuffle(&indices)
        let chosen = Array(indices.prefix(count))
        return StateSet(states: Matrix(rows: count, columns: objective.teacherStates.columns) {
                            objective.teacherStates[chosen[$0], $1] },
                        actions: Matrix(rows: count, columns: objective.teacherActions.columns) {
                            objective.teacherActions[chosen[$0], $1] })
    }

    /// μ_S and c_S = 1/σ_S per column (population σ; c_S = 1 for a column that does not vary).
    public static func standardization(of states: Matrix<Double>) -> (mean: [Double], scale: [Double]) {
        let count = Double(states.rows)
        let mean = (0..<states.columns).map { column in
            (0..<states.rows).reduce(0) { $0 + states[$1, column] } / count
        }
        let scale = (0..<states.columns).map { column -> Double in
            let variance = (0..<states.rows).reduce(0) { $0 + pow(states[$1, column] - mean[column], 2) } / count
            return variance > 1e-12 ? 1 / variance.squareRoot() : 1
        }
        return (mean, scale)
    }

    /// A trained student as a policy that acts as it does on raw observations, with tanh actions: its
    /// standardisation folded into the first layer, W₁′ = diag(c_S)·W₁ and b₁′ = b₁ − (μ_S ⊙ c_S)·W₁.
    public static func policy(of network: MLP<Double>, student: StateSetStudent) -> SavedPolicy {
        var folded = network
        let first = network.layers[0]
        folded.layers[0].weight = Matrix(rows: first.weight.rows, columns: first.weight.columns) { row, column in
            first.weight[row, column] * student.inputScale[row]
        }
        folded.layers[0].bias = Matrix(rows: 1, columns: first.weight.columns) { _, column in
            first.bias[0, column] - (0..<first.weight.rows).reduce(0) {
                $0 + student.inputMean[$1] * student.inputScale[$1] * first.weight[$1, column]
            }
        }
        let layers = folded.layers.map { layer in
            Dense<Float>(weight: Matrix(rows: layer.weight.rows, columns: layer.weight.columns,
                                        scalars: layer.weight.scalars.map { Float($0) }),
                         bias: Matrix(rows: 1, columns: layer.bias.columns, scalars: layer.bias.scalars.map { Float($0) }))
        }
        return SavedPolicy(algorithm: .ddpg,
                           network: MLP(layers: layers, hiddenActivation: network.hiddenActivation,
                                        outputActivation: network.outputActivation),
                           head: .tanhActor, observationStatistics: nil, observationScaling: .reciprocal)
    }
}
