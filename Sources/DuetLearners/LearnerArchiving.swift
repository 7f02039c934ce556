import DuetNumerics
import DuetRandom

/// Checkpoint support shared by the learners: each piece of state a learner owns stores itself in a
/// ``ParameterArchive`` under a prefix and restores itself exactly (bit for bit), so that a learner restored from
/// an archive continues as the original would have. Restoring checks shapes and names and throws a
/// ``NumericsError`` naming the archive and the entry; nothing is changed when it throws.
enum LearnerArchiving {
    /// `prefix.name`, or `name` when the prefix is empty (``ParameterArchive/qualified(_:prefix:)``).
    static func name(_ name: String, in prefix: String) -> String {
        ParameterArchive<Float>.qualified(name, prefix: prefix)
    }

    /// A Boolean stored as the integer 0 or 1.
    static func boolean(named name: String, in archive: ParameterArchive<Float>) throws -> Bool {
        switch try archive.integer(named: name) {
        case 0: return false
        case 1: return true
        case let other:
            throw NumericsError.malformedArchive(source: archive.source, reason: "'\(name)' is \(other), not 0 or 1")
        }
    }

    /// A count stored as an integer, which must be ≥ 0.
    static func count(named name: String, in archive: ParameterArchive<Float>) throws -> Int {
        let value = try archive.integer(named: name)
        guard value >= 0 else {
            throw NumericsError.malformedArchive(source: archive.source, reason: "'\(name)' is negative (\(value))")
        }
        return value
    }
}

extension ObservationNormalization {
    /// Stores the running statistics (μ, σ², count) as Float64 values; nothing when normalisation is off.
    func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        guard let statistics else { return }
        archive.store(statistics.mean, as: LearnerArchiving.name("mean", in: prefix))
        archive.store(statistics.variance, as: LearnerArchiving.name("variance", in: prefix))
        archive.store([statistics.count], as: LearnerArchiving.name("count", in: prefix))
    }

    /// Restores what ``store(in:prefix:)`` wrote, into normalisation of the same dimension (nothing when off).
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        guard let current = statistics else { return }
        let dimension = current.mean.count
        let mean = try archive.reals(named: LearnerArchiving.name("mean", in: prefix), count: dimension)
        let variance = try archive.reals(named: LearnerArchiving.name("variance", in: prefix), count: dimension)
        let count = try archive.reals(named: LearnerArchiving.name("count", in: prefix), count: 1)[0]
        guard count > 0 else {
            throw NumericsError.malformedArchive(source: archive.source,
                                                 reason: "'\(LearnerArchiving.name("count", in: prefix))' is not > 0")
        }
        self = ObservationNormalization(statistics: RunningMeanStandardDeviation(
            mean: mean, variance: variance, count: count, clip: current.clip))
    }
}

extension ActionNoise {
    /// Stores the Ornstein-Uhlenbeck process's current value x; the other noises have no state.
    func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        if case .ornsteinUhlenbeck(let process) = self {
            archive.store(process.value, as: LearnerArchiving.name("value", in: prefix))
        }
    }

    /// Restores what ``store(in:prefix:)`` wrote into noise of the same kind and dimension.
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String) throws {
        guard case .ornsteinUhlenbeck(var process) = self else { return }
        process.restore(value: try archive.reals(named: LearnerArchiving.name("value", in: prefix),
                                                 count: process.value.count))
        self = .ornsteinUhlenbeck(process)
    }
}

extension ParameterNoise {
    /// Stores σ, the last measured distance and the perturbed actor μ̃ (each when present).
    func store(in archive: inout ParameterArchive<Float>, prefix: String) {
        archive.store([standardDeviation], as: LearnerArchiving.name("standardDeviation", in: prefix))
        archive.store(lastDistance.map { [$0] } ?? [], as: LearnerArchiving.name("lastDistance", in: prefix))
        archive.store(perturbedActor == nil ? 0 : 1, as: LearnerArchiving.name("hasPerturbedActor", in: prefix))
        if let perturbedActor { archive.store(perturbedActor, prefix: LearnerArchiving.name("perturbedActor", in: prefix)) }
    }

    /// Restores what ``store(in:prefix:)`` wrote; `actor` gives the layout of the perturbed actor.
    mutating func restore(from archive: ParameterArchive<Float>, prefix: String, actor: MLP<Float>) throws {
        let deviation = try archive.reals(named: LearnerArchiving.name("standardDeviation", in: prefix), count: 1)[0]
        let distance = try archive.reals(named: LearnerArchiving.name("lastDistance", in: prefix))
        guard deviation > 0, distance.count <= 1 else {
            throw NumericsError.malformedArchive(source: archive.source,
                                                 reason: "parameter noise '\(prefix)': σ must be > 0 and one distance at most")
        }
        var perturbed: MLP<Float>?
        if try LearnerArchiving.boolean(named: LearnerArchiving.name("hasPerturbedActor", in: prefix), in: archive) {
            var copy = actor
            try archive.restore(&copy, prefix: LearnerArchiving.name("perturbedActor", in: prefix))
            perturbed = copy
        }
        restore(standardDeviation: deviation, lastDistance: distance.first, perturbedActor: perturbed)
    }
}
