import DuetNumerics

// Checkpoint entries of an on-policy peer's collection state: the rollouts being filled, the round of actions
// not yet completed, and the observation history its peers distil on. Each restores to a value that behaves
// exactly (bit for bit) as the stored one; restoring checks names and shapes and throws a `NumericsError`
// naming the archive and the entry.

extension Rollout {
    /// Stores the rollout's transitions under `prefix` (`prefix.observations`, `.actions`, `.rewards`, …).
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        archive.store(count, as: name("count"))
        archive.store(observations, as: name("observations"))
        archive.store(actions, as: name("actions"))
        archive.store(rewards, as: name("rewards"))
        archive.store(logProbabilities, as: name("logProbabilities"))
        archive.store(values, as: name("values"))
        archive.store(isTerminal.map { $0 ? 1 : 0 }, as: name("isTerminal"))
        archive.store(isTruncated.map { $0 ? 1 : 0 }, as: name("isTruncated"))
        archive.store(truncationValues, as: name("truncationValues"))
    }

    /// The rollout ``store(in:prefix:)`` wrote under `prefix`, for the given dimensions.
    public init(from archive: ParameterArchive<Float>, prefix: String, observationDimension: Int,
                actionDimension: Int) throws {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        let count = try LearnerArchiving.count(named: name("count"), in: archive)
        let observations = try archive.tensor(named: name("observations"),
                                              shape: MatrixShape(rows: count, columns: observationDimension))
        let actions = try archive.tensor(named: name("actions"), shape: MatrixShape(rows: count, columns: actionDimension))
        let rewards = try archive.reals(named: name("rewards"), count: count)
        let logProbabilities = try archive.reals(named: name("logProbabilities"), count: count)
        let values = try archive.reals(named: name("values"), count: count)
        let terminal = try archive.reals(named: name("isTerminal"), count: count)
        let truncated = try archive.reals(named: name("isTruncated"), count: count)
        let truncationValues = try archive.reals(named: name("truncationValues"), count: count)
        self.init(observationDimension: observationDimension, actionDimension: actionDimension)
        for t in 0..<count {
            let step = PolicyStep(action: (0..<actionDimension).map { actions[t, $0] },
                                  logProbability: logProbabilities[t], value: values[t],
                                  policyInput: (0..<observationDimension).map { observations[t, $0] })
            append(step: step, reward: rewards[t], isTerminal: terminal[t] != 0, isTruncated: truncated[t] != 0,
                   truncationValue: truncationValues[t])
        }
    }
}

extension PolicyStep {
    /// Stores the step under `prefix` (`prefix.action`, `.logProbability`, `.value`, `.policyInput`).
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        archive.store(Matrix(row: action), as: name("action"))
        archive.store([logProbability, value], as: name("logProbabilityAndValue"))
        archive.store(Matrix(row: policyInput), as: name("policyInput"))
    }

    /// The step ``store(in:prefix:)`` wrote under `prefix`, for the given dimensions.
    public init(from archive: ParameterArchive<Float>, prefix: String, observationDimension: Int,
                actionDimension: Int) throws {
        func name(_ part: String) -> String { LearnerArchiving.name(part, in: prefix) }
        let action = try archive.tensor(named: name("action"), shape: MatrixShape(rows: 1, columns: actionDimension))
        let both = try archive.reals(named: name("logProbabilityAndValue"), count: 2)
        let input = try archive.tensor(named: name("policyInput"),
                                       shape: MatrixShape(rows: 1, columns: observationDimension))
        self.init(action: (0..<actionDimension).map { action[0, $0] }, logProbability: both[0], value: both[1],
                  policyInput: (0..<observationDimension).map { input[0, $0] })
    }
}

extension ObservationHistory {
    /// Stores the capacity and the observations held, oldest first, under `prefix`.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        archive.store(capacity, as: LearnerArchiving.name("capacity", in: prefix))
        archive.store(statesOldestFirst, as: LearnerArchiving.name("states", in: prefix))
    }

    /// The history ``store(in:prefix:)`` wrote under `prefix`; it must have been made with `capacity`.
    public init(from archive: ParameterArchive<Float>, prefix: String, capacity: Int,
                observationDimension: Int) throws {
        let stored = try LearnerArchiving.count(named: LearnerArchiving.name("capacity", in: prefix), in: archive)
        guard stored == capacity else {
            throw NumericsError.malformedArchive(
                source: archive.source,
                reason: "observation history '\(prefix)' holds \(stored) states, the configuration \(capacity)")
        }
        let states = try archive.tensor(named: LearnerArchiving.name("states", in: prefix))
        guard states.columns == observationDimension || states.rows == 0, states.rows <= capacity else {
            throw NumericsError.malformedArchive(
                source: archive.source,
                reason: "observation history '\(prefix)' has \(states.rows)×\(states.columns) states, expected at "
                    + "most \(capacity)×\(observationDimension)")
        }
        self.init(capacity: capacity, observationDimension: observationDimension)
        for row in 0..<states.rows { append((0..<observationDimension).map { states[row, $0] }) }
    }
}
