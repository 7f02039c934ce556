// The outer loop of a distilled state set: each iteration draws a fresh student θ_0 (so the set teaches students
// in general, not one initialisation), takes the exact meta-gradient of its imitation loss
// (`StateSetObjective.swift`), and moves the states and labels by one Adam step (Kingma and Ba 2015), then
// projects the labels back into their box: means into the student's tanh range [−1, 1], deviations into
// [s_min, s_max]. Without the box the labels run away: a mean past ±1 saturates the student's tanh, and a small
// s scales the student's step η by w = 1/s², until its training diverges and J jumps up and stays (seen on
// Pendulum-v1 with K = 10, raw inputs, T = 200, η = 0.1, Adam 0.01: J fell from 0.095 to 0.055 over 300
// iterations, then jumped to 0.15 with means up to 1.56 and s down to 0.31).
//
// Long unrolls can still turn chaotic late in the outer loop (standardised inputs, T = 500, η = 0.5, Adam 0.002,
// K = 100: J fell from 0.033 to 0.0094 by iterations 301–350, then rose to 0.072 over 451–500), so the distiller
// returns the best set it saw rather than the last: each block of `block` iterations scores the set that started
// it by the block's mean J (each J a fresh θ_0), and the set of the lowest-scoring block is kept.
import DuetNumerics
import DuetRandom
import Foundation

/// Learns a ``StateSet`` by Adam on the meta-gradient of a ``StateSetObjective``.
public struct StateSetDistiller: Sendable {
    /// The objective J.
    public var objective: StateSetObjective
    /// The outer iterations: one meta-gradient and one Adam step each.
    public var iterations: Int
    /// Adam's step size on the states and labels.
    public var learningRate: Double
    /// s_min, the smallest label standard deviation (so a label weighs at most w = 1/s_min²).
    public var minimumStandardDeviation: Double
    /// s_max, the largest label standard deviation.
    public var maximumStandardDeviation: Double
    /// The iterations of a block: the set that starts a block is scored by the block's mean J.
    public var block: Int

    /// A distiller from its parts; by default the label deviations stay in [s_min, s_max] = [0.5, 2] around the
    /// initial s = 1, so the student's effective step size η·w stays within [η/4, 4η].
    /// - Precondition: `iterations` ≥ 0, `learningRate` > 0, 0 < s_min ≤ s_max.
    public init(objective: StateSetObjective, iterations: Int, learningRate: Double,
                minimumStandardDeviation: Double = 0.5, maximumStandardDeviation: Double = 2, block: Int = 25) {
        precondition(iterations >= 0 && learningRate > 0, "a distiller needs iterations ≥ 0 and a positive step size")
        precondition(minimumStandardDeviation > 0 && minimumStandardDeviation <= maximumStandardDeviation,
                     "a distiller needs 0 < s_min ≤ s_max")
        precondition(block >= 1, "a distiller needs blocks of at least one iteration")
        self.objective = objective
        self.iterations = iterations
        self.learningRate = learningRate
        self.minimumStandardDeviation = minimumStandardDeviation
        self.maximumStandardDeviation = maximumStandardDeviation
        self.block = block
    }

    /// The set learned from `initial`: the one that started the block with the lowest mean J (`initial` itself
    /// when there are no iterations), the Adam steps that led to it, and J of each iteration's student before its
    /// step (J at the set that iteration started from). The students' θ_0 are drawn one after another from
    /// `initializations`; `progress` hears each iteration's index and J.
    public func distill(from initial: StateSet, initializations: RandomStream,
                        progress: (_ iteration: Int, _ loss: Double) -> Void = { _, _ in })
        -> (set: StateSet, keptIteration: Int, losses: [Double]) {
        var set = initial
        var optimizer = Adam(for: set, learningRate: learningRate)
        var losses: [Double] = []
        var best = (set: initial, iteration: 0, score: Double.infinity)
        var candidate = (set: initial, iteration: 0)
        for iteration in 0..<iterations {
            if iteration % block == 0 { candidate = (set, iteration) }
            let student = objective.student.initialNetwork(using: initializations)
            let (loss, gradient) = objective.metaGradient(of: set, from: student)
            optimizer.update(&set, along: gradient)
            set = projected(set)
            losses.append(loss)
            progress(iteration, loss)
            if iteration % block == block - 1 || iteration == iterations - 1 {
                let scores = losses[candidate.iteration...]
                let score = scores.reduce(0, +) / Double(scores.count)
                if score < best.score { best = (candidate.set, candidate.iteration, score) }
            }
        }
        return (best.set, best.iteration, losses)
    }

    /// The set with its means clipped to [−1, 1] and its log deviations to [log s_min, log s_max].
    public func projected(_ set: StateSet) -> StateSet {
        var result = set
        let low = log(minimumStandardDeviation), high = log(maximumStandardDeviation)
        result.means = Matrix(rows: set.means.rows, columns: set.means.columns,
                              scalars: set.means.scalars.map { min(max($0, -1), 1) })
        result.logStandardDeviations = Matrix(rows: set.means.rows, columns: set.means.columns,
                                              scalars: set.logStandardDeviations.scalars.map { min(max($0, low), high) })
        return result
    }
}
