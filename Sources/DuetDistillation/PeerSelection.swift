import DuetConfiguration

/// Which peers a learner distils from when there are k > 2 of them (`distillation.peerSelection`). With two
/// peers every selection is the same: the other learner.
public enum PeerSelection: String, ConfigurationChoice {
    /// Per state, the peer with the highest value estimate there: the hybrid policy of Proposition 1 over k
    /// peers, π_hypo(s) = π_j*(s) with j* = argmax_{j ≠ i} V_j(s), and ξ(s) = V_j*(s) − V_i(s). States come from
    /// every other peer's buffer, one batch each; the weights are normalised over all of them. The default.
    case best
    /// Every other peer's weighted term, summed: Σ_{j ≠ i} Σ_s w_j(s)·D(π_i(s), π_j(s)) over a batch from each
    /// peer's buffer, the weights normalised within each peer's batch.
    case all
    /// Peer i distils from peer i + 1 (mod k) only.
    case ring

    /// The indices of the peers learner `learner` of `peerCount` distils from, in index order.
    /// - Precondition: `0 ≤ learner < peerCount`.
    public func sources(for learner: Int, peerCount: Int) -> [Int] {
        precondition(learner >= 0 && learner < peerCount, "learner \(learner) of \(peerCount)")
        switch self {
        case .ring: return peerCount > 1 ? [(learner + 1) % peerCount] : []
        case .best, .all: return (0..<peerCount).filter { $0 != learner }
        }
    }

    /// The `peer` column of `distillation.csv` for learner `learner` of `peerCount`: the peer's index when there
    /// is one source, else the selection's name (`best`, `all`).
    public func label(for learner: Int, peerCount: Int) -> String {
        let sources = sources(for: learner, peerCount: peerCount)
        return sources.count == 1 ? String(sources[0]) : rawValue
    }
}
