import DuetNumerics
import DuetRandom

/// A mini-batch of transitions drawn from a ``ReplayBuffer``, one row per transition.
///
/// The matrices are reused from one draw to the next (``ReplayBuffer/sample(count:using:into:)`` resizes them
/// in place), so a training loop allocates nothing per update.
public struct ReplayBatch: Sendable {
    /// Observations s, `count × observationDimension`.
    public var observations = Matrix<Float>()
    /// Actions a in the learner's normalised action space [−1, 1], `count × actionDimension`.
    public var actions = Matrix<Float>()
    /// Rewards r, `count × 1`.
    public var rewards = Matrix<Float>()
    /// Next observations s′, `count × observationDimension`. At a time-limit truncation this is the real last
    /// observation, so the learner can bootstrap from it.
    public var nextObservations = Matrix<Float>()
    /// 1 where the transition ended the episode by termination (no bootstrap), else 0; `count × 1`.
    /// Truncations are 0 here: learners bootstrap through a time limit, never through a termination.
    public var terminations = Matrix<Float>()

    /// An empty batch, to be filled by ``ReplayBuffer/sample(count:using:into:)``.
    public init() {}

    /// Number of transitions in the batch.
    public var count: Int { observations.rows }
}

/// A fixed-capacity ring buffer of transitions (s, a, r, s′, terminated, truncated), preallocated.
///
/// Termination and truncation are stored apart: a termination ends the return (no bootstrap), a truncation by
/// a time limit does not (the learner bootstraps from s′), as in Stable-Baselines3 with
/// `handle_timeout_termination`. When full, the oldest transition is overwritten.
public struct ReplayBuffer: Sendable {
    /// Maximum number of transitions held.
    public let capacity: Int
    /// Length of an observation vector.
    public let observationDimension: Int
    /// Length of an action vector.
    public let actionDimension: Int
    /// Number of transitions held, at most ``capacity``.
    public private(set) var count = 0
    /// Where the next transition will be written.
    public private(set) var nextIndex = 0
    /// Number of transitions ever added (keeps counting after the buffer is full).
    public private(set) var totalAdded = 0

    private var observations: Matrix<Float>
    private var actions: Matrix<Float>
    private var rewards: [Float]
    private var nextObservations: Matrix<Float>
    private var terminated: [Bool]
    private var truncated: [Bool]

    /// An empty buffer with room for `capacity` transitions.
    /// - Precondition: all sizes positive.
    public init(capacity: Int, observationDimension: Int, actionDimension: Int) {
        precondition(capacity > 0 && observationDimension > 0 && actionDimension > 0,
                     "a replay buffer needs positive capacity and dimensions")
        self.capacity = capacity
        self.observationDimension = observationDimension
        self.actionDimension = actionDimension
        observations = Matrix(rows: capacity, columns: observationDimension)
        actions = Matrix(rows: capacity, columns: actionDimension)
        rewards = Array(repeating: 0, count: capacity)
        nextObservations = Matrix(rows: capacity, columns: observationDimension)
        terminated = Array(repeating: false, count: capacity)
        truncated = Array(repeating: false, count: capacity)
    }

    /// Stores one transition, overwriting the oldest when full.
    /// - Parameters:
    ///   - action: the action in the learner's normalised space [−1, 1].
    ///   - isTerminal: the episode ended by termination (no bootstrap from `nextObservation`).
    ///   - isTruncated: the episode ended by a time limit (bootstrap from `nextObservation`).
    public mutating func append(observation: [Float], action: [Float], reward: Float, nextObservation: [Float],
                                isTerminal: Bool, isTruncated: Bool) {
        precondition(observation.count == observationDimension && nextObservation.count == observationDimension
                     && action.count == actionDimension, "transition does not match the buffer's dimensions")
        let row = nextIndex
        observations.withUnsafeMutableBufferPointer { buffer in
            for column in 0..<observationDimension { buffer[row * observationDimension + column] = observation[column] }
        }
        nextObservations.withUnsafeMutableBufferPointer { buffer in
            for column in 0..<observationDimension {
                buffer[row * observationDimension + column] = nextObservation[column]
            }
        }
        actions.withUnsafeMutableBufferPointer { buffer in
            for column in 0..<actionDimension { buffer[row * actionDimension + column] = action[column] }
        }
        rewards[row] = reward
        terminated[row] = isTerminal
        truncated[row] = isTruncated
        nextIndex = (nextIndex + 1) % capacity
        count = min(count + 1, capacity)
        totalAdded += 1
    }

    /// Draws `count` transitions uniformly with replacement (as SB3 does) into `batch`.
    /// - Precondition: the buffer is not empty.
    public func sample(count batchSize: Int, using stream: RandomStream, into batch: inout ReplayBatch) {
        precondition(count > 0, "cannot sample from an empty replay buffer")
        batch.observations.resize(rows: batchSize, columns: observationDimension)
        batch.nextObservations.resize(rows: batchSize, columns: observationDimension)
        batch.actions.resize(rows: batchSize, columns: actionDimension)
        batch.rewards.resize(rows: batchSize, columns: 1)
        batch.terminations.resize(rows: batchSize, columns: 1)
        for slot in 0..<batchSize {
            let index = stream.integer(below: count)
            copyRow(index, of: observations, into: &batch.observations, row: slot)
            copyRow(index, of: nextObservations, into: &batch.nextObservations, row: slot)
            copyRow(index, of: actions, into: &batch.actions, row: slot)
            batch.rewards[slot, 0] = rewards[index]
            batch.terminations[slot, 0] = terminated[index] ? 1 : 0
        }
    }

    /// Draws `count` observations uniformly with replacement from the most recent `window` transitions
    /// (all of them when `window` is `nil` or larger than the buffer) into `into`, `count × observationDimension`.
    /// This is where distillation states come from (the peer's buffer).
    public func sampleObservations(count batchSize: Int, mostRecent window: Int?, using stream: RandomStream,
                                   into destination: inout Matrix<Float>) {
        precondition(count > 0, "cannot sample from an empty replay buffer")
        let available = min(window ?? count, count)
        destination.resize(rows: batchSize, columns: observationDimension)
        for slot in 0..<batchSize {
            let age = stream.integer(below: available)  // 0 = newest
            let index = ((nextIndex - 1 - age) % capacity + capacity) % capacity
            copyRow(index, of: observations, into: &destination, row: slot)
        }
    }

    /// Transition `index` (0 = oldest held), for inspection and tests.
    public func transition(_ index: Int) -> (observation: [Float], action: [Float], reward: Float,
                                             nextObservation: [Float], isTerminal: Bool, isTruncated: Bool) {
        precondition(index >= 0 && index < count, "transition \(index) out of range 0..<\(count)")
        let row = count < capacity ? index : (nextIndex + index) % capacity
        return (observations.row(row), actions.row(row), rewards[row], nextObservations.row(row),
                terminated[row], truncated[row])
    }

    private func copyRow(_ source: Int, of matrix: Matrix<Float>, into destination: inout Matrix<Float>, row: Int) {
        let width = matrix.columns
        matrix.withUnsafeBufferPointer { from in
            destination.withUnsafeMutableBufferPointer { to in
                for column in 0..<width { to[row * width + column] = from[source * width + column] }
            }
        }
    }

    // MARK: Archiving

    /// Stores the buffer's contents and positions in `archive` under `prefix` (`prefix.observations`, ...), for a
    /// checkpoint: the held rows of s, a, r, s′ and the two flags (as 0/1), in storage order, and the integers
    /// `count`, `nextIndex`, `totalAdded` and the shape. Rows never written are not stored.
    public func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        func name(_ entry: String) -> String { LearnerArchiving.name(entry, in: prefix) }
        archive.store(capacity, as: name("capacity"))
        archive.store(observationDimension, as: name("observationDimension"))
        archive.store(actionDimension, as: name("actionDimension"))
        archive.store(count, as: name("count"))
        archive.store(nextIndex, as: name("nextIndex"))
        archive.store(totalAdded, as: name("totalAdded"))
        archive.store(Self.firstRows(count, of: observations), as: name("observations"))
        archive.store(Self.firstRows(count, of: actions), as: name("actions"))
        archive.store(Self.firstRows(count, of: nextObservations), as: name("nextObservations"))
        archive.store(Matrix(rows: count, columns: 1, scalars: Array(rewards[0..<count])), as: name("rewards"))
        archive.store(Matrix(rows: count, columns: 2) { row, column in
            (column == 0 ? terminated[row] : truncated[row]) ? 1 : 0
        }, as: name("flags"))
    }

    /// The buffer stored in `archive` under `prefix` by ``store(in:prefix:)``, exactly as it was: sampling from
    /// it with a stream in the same state gives the same batches.
    /// - Throws: a ``NumericsError`` naming the archive and the first missing, mistyped or misshapen entry, or
    ///   positions that do not fit the stored shape.
    public init(from archive: ParameterArchive<Float>, prefix: String) throws {
        func name(_ entry: String) -> String { LearnerArchiving.name(entry, in: prefix) }
        let capacity = try archive.integer(named: name("capacity"))
        let observationDimension = try archive.integer(named: name("observationDimension"))
        let actionDimension = try archive.integer(named: name("actionDimension"))
        let count = try archive.integer(named: name("count"))
        let nextIndex = try archive.integer(named: name("nextIndex"))
        let totalAdded = try archive.integer(named: name("totalAdded"))
        guard capacity > 0, observationDimension > 0, actionDimension > 0, (0...capacity).contains(count),
              (0..<capacity).contains(nextIndex), totalAdded >= count,
              count == capacity || nextIndex == count else {
            throw NumericsError.malformedArchive(
                source: archive.source,
                reason: "replay buffer '\(prefix)': inconsistent sizes (capacity \(capacity), count \(count), "
                    + "next index \(nextIndex), total added \(totalAdded))")
        }
        let observations = try archive.tensor(named: name("observations"),
                                              shape: MatrixShape(rows: count, columns: observationDimension))
        let actions = try archive.tensor(named: name("actions"), shape: MatrixShape(rows: count, columns: actionDimension))
        let nextObservations = try archive.tensor(named: name("nextObservations"),
                                                  shape: MatrixShape(rows: count, columns: observationDimension))
        let rewards = try archive.tensor(named: name("rewards"), shape: MatrixShape(rows: count, columns: 1))
        let flags = try archive.tensor(named: name("flags"), shape: MatrixShape(rows: count, columns: 2))
        self.init(capacity: capacity, observationDimension: observationDimension, actionDimension: actionDimension)
        Self.copyFirstRows(of: observations, into: &self.observations)
        Self.copyFirstRows(of: actions, into: &self.actions)
        Self.copyFirstRows(of: nextObservations, into: &self.nextObservations)
        for row in 0..<count {
            self.rewards[row] = rewards[row, 0]
            terminated[row] = flags[row, 0] != 0
            truncated[row] = flags[row, 1] != 0
        }
        self.count = count
        self.nextIndex = nextIndex
        self.totalAdded = totalAdded
    }

    /// The first `rows` rows of `matrix`.
    private static func firstRows(_ rows: Int, of matrix: Matrix<Float>) -> Matrix<Float> {
        var result = Matrix<Float>(rows: rows, columns: matrix.columns)
        copyFirstRows(of: matrix, into: &result)
        return result
    }

    /// Copies the first rows of `source` into the first rows of `destination` (same width), as many as the
    /// smaller of the two holds.
    private static func copyFirstRows(of source: Matrix<Float>, into destination: inout Matrix<Float>) {
        precondition(source.columns == destination.columns, "rows of different widths")
        let scalars = min(source.count, destination.count)
        source.withUnsafeBufferPointer { from in
            destination.withUnsafeMutableBufferPointer { to in
                for index in 0..<scalars { to[index] = from[index] }
            }
        }
    }
}
