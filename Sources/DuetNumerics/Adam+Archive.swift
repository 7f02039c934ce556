/// Saving and loading an optimiser's state: the step count t and the moments m and v.
///
/// Names: `prefix.step`, `prefix.firstMoment.<tensor>` and `prefix.secondMoment.<tensor>`, where `<tensor>` is
/// the model's tensor name. Hyper-parameters (α, β₁, β₂, ε, λ) are configuration and are not stored.
extension Adam {
    /// Stores t, m and v in `archive` under `prefix`.
    public func store(in archive: inout ParameterArchive<Scalar>, prefix: String) {
        archive.store(stepCount, as: prefix + ".step")
        for (index, name) in tensorNames.enumerated() {
            archive.store(firstMomentTensors[index], as: prefix + ".firstMoment." + name)
            archive.store(secondMomentTensors[index], as: prefix + ".secondMoment." + name)
        }
    }

    /// Loads t, m and v from `archive`; either everything loads or the optimiser is unchanged.
    /// - Throws: a ``NumericsError`` naming the first missing or differently shaped entry.
    public mutating func restore(from archive: ParameterArchive<Scalar>, prefix: String) throws {
        let step = try archive.integer(named: prefix + ".step")
        guard step >= 0 else {
            throw NumericsError.malformedArchive(source: archive.source, reason: "\(prefix).step is negative (\(step))")
        }
        var first: [Matrix<Scalar>] = []
        var second: [Matrix<Scalar>] = []
        for (index, name) in tensorNames.enumerated() {
            first.append(try archive.tensor(named: prefix + ".firstMoment." + name,
                                            shape: firstMomentTensors[index].shape))
            second.append(try archive.tensor(named: prefix + ".secondMoment." + name,
                                             shape: secondMomentTensors[index].shape))
        }
        stepCount = step
        firstMomentTensors = first
        secondMomentTensors = second
    }
}
