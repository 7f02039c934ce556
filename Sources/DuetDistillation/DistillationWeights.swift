/// The per-state weights of one distillation step and what they say about the batch.
public struct DistillationWeights: Sendable, Equatable {
    /// wᵢ, one per state; the distillation loss is Σᵢ wᵢ·ℓᵢ with ℓᵢ the mean squared action difference.
    public var weights: [Double]
    /// Mean disadvantage over the batch, (1/N)·Σᵢ ξᵢ.
    public var meanDisadvantage: Double
    /// Fraction of states where the peer is better, |{i : ξᵢ > 0}| / N.
    public var fractionDisadvantageous: Double
    /// The largest weight.
    public var maximumWeight: Double
    /// Effective sample size of the weights, (Σᵢ wᵢ)² / Σᵢ wᵢ² (N for equal weights, 1 when one state takes all;
    /// 0 when every weight is 0).
    public var effectiveSampleSize: Double

    /// Computes the weights of a batch with disadvantages `disadvantages` (ξᵢ = V^π̃(sᵢ) − V^π(sᵢ)).
    ///
    /// - `disadvantage`: wᵢ = clip(exp(α·ξᵢ), lo, hi), then normalised.
    /// - `indicator`: wᵢ = 1(ξᵢ > 0), then normalised.
    /// - `uniform`: wᵢ = 1, then normalised.
    /// - `referencePPO`: wᵢ = clip(exp(−α·ξᵢ), lo, hi), then normalised, then divided by N (the released
    ///   DPD-PPO code takes the batch mean of the normalised-weighted losses).
    /// - `referenceDDPG`: wᵢ = 1 with no normalisation, so the loss is the sum Σᵢ ℓᵢ, whatever α.
    ///
    /// "Normalised" is wᵢ/Σⱼwⱼ when `normalize` is set and wᵢ/N otherwise. If every raw weight is 0
    /// (`indicator` with no disadvantageous state) all weights are 0 and the step changes nothing.
    public init(disadvantages: [Double], weighting: DistillationWeighting, alpha: Double,
                clip: (lower: Double, upper: Double), normalize: Bool) {
        let count = Double(max(disadvantages.count, 1))
        var raw: [Double]
        switch weighting {
        case .disadvantage:
            raw = disadvantages.map { min(max(Self.exponential(alpha * $0), clip.lower), clip.upper) }
        case .referencePPO:
            raw = disadvantages.map { min(max(Self.exponential(-alpha * $0), clip.lower), clip.upper) }
        case .indicator:
            raw = disadvantages.map { $0 > 0 ? 1 : 0 }
        case .uniform, .referenceDDPG:
            raw = Array(repeating: 1, count: disadvantages.count)
        }
        if weighting != .referenceDDPG {
            let divisor = normalize ? raw.reduce(0, +) : count
            raw = divisor > 0 ? raw.map { $0 / divisor } : raw.map { _ in 0 }
        }
        if weighting == .referencePPO { raw = raw.map { $0 / count } }
        weights = raw
        meanDisadvantage = disadvantages.reduce(0, +) / count
        fractionDisadvantageous = Double(disadvantages.filter { $0 > 0 }.count) / count
        maximumWeight = raw.max() ?? 0
        let sum = raw.reduce(0, +)
        let sumOfSquares = raw.reduce(0) { $0 + $1 * $1 }
        effectiveSampleSize = sumOfSquares > 0 ? sum * sum / sumOfSquares : 0
    }

    /// The weights of several batches side by side (the `all` peer selection: one batch per peer, each
    /// normalised on its own), with the statistics recomputed over all of them.
    public init(concatenating parts: [DistillationWeights]) {
        weights = parts.flatMap(\.weights)
        let count = Double(max(weights.count, 1))
        meanDisadvantage = parts.reduce(0) { $0 + $1.meanDisadvantage * Double($1.weights.count) } / count
        fractionDisadvantageous = parts.reduce(0) { $0 + $1.fractionDisadvantageous * Double($1.weights.count) }
            / count
        maximumWeight = weights.max() ?? 0
        let sum = weights.reduce(0, +)
        let sumOfSquares = weights.reduce(0) { $0 + $1 * $1 }
        effectiveSampleSize = sumOfSquares > 0 ? sum * sum / sumOfSquares : 0
    }

    /// exp(x) without overflow to +∞ for large x (the clip bounds it anyway).
    private static func exponential(_ x: Double) -> Double {
        x > 700 ? .greatestFiniteMagnitude : Double.exp(x)
    }
}

extension Double {
    /// e^x.
    fileprivate static func exp(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.exp(x)
        #else
        return Foundation.exp(x)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
