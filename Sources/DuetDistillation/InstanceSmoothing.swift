import DuetNumerics
import DuetRandom

/// Instance-specific smoothing of the distillation targets (after Zhang and Sabuncu, "Self-Distillation as
/// Instance-Specific Label Smoothing", 2020): each target shrinks toward the learner's own action,
///
///     ã′ᵢ = (1 − εᵢ)·π̃(sᵢ) + εᵢ·π(sᵢ),
///
/// with amounts εᵢ that are B draws from Beta(a, 1), sorted, and handed out by the rank of the disadvantage ξᵢ:
/// the smallest amount to the state where the peer is most clearly better, the largest to the state where it is
/// most clearly worse. As in the authors' code the amounts depend only on ranks, so, unlike α·ξ, they do not
/// depend on the scale of the critics. (Beta(a, 1) has mean a/(a + 1): a larger a shrinks more.)
public enum InstanceSmoothing {
    /// εᵢ for disadvantages `disadvantages`: B draws of Beta(`a`, 1) from `stream`, sorted ascending, the k-th
    /// smallest to the state of the k-th largest ξ (ties keep the lower index first).
    public static func amounts(disadvantages: [Double], a: Double, using stream: RandomStream) -> [Double] {
        let draws = disadvantages.indices.map { _ in stream.beta(a, 1) }.sorted()
        return amounts(disadvantages: disadvantages, sortedDraws: draws)
    }

    /// εᵢ from already sorted draws (the deterministic half of ``amounts(disadvantages:a:using:)``).
    public static func amounts(disadvantages: [Double], sortedDraws: [Double]) -> [Double] {
        precondition(disadvantages.count == sortedDraws.count, "one draw per state")
        let ranking = disadvantages.indices.sorted { lhs, rhs in
            disadvantages[lhs] != disadvantages[rhs] ? disadvantages[lhs] > disadvantages[rhs] : lhs < rhs
        }
        var amounts = [Double](repeating: 0, count: disadvantages.count)
        for (rank, state) in ranking.enumerated() { amounts[state] = sortedDraws[rank] }
        return amounts
    }

    /// ã′ = (1 − ε)·ã + ε·π(s) row by row.
    public static func smoothed(targets: Matrix<Float>, own: Matrix<Float>, amounts: [Double]) -> Matrix<Float> {
        precondition(targets.shape == own.shape && amounts.count == targets.rows, "one amount per target row")
        return Matrix(rows: targets.rows, columns: targets.columns) { row, column in
            let amount = amounts[row]
            return Float((1 - amount) * Double(targets[row, column]) + amount * Double(own[row, column]))
        }
    }
}
