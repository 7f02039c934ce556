import DuetNumerics
import Synchronization

/// A mark that changes whenever a learner's policy changes (its parameters or its observation normalisation),
/// drawn from one counter for the whole process: two learners, or two copies of one, carry the same stamp only
/// while neither has changed since one was copied from the other, and so only while their policies are equal.
struct PolicyStamp: Equatable, Sendable {
    private let value: Int

    /// A stamp no policy has carried before.
    static func next() -> PolicyStamp { PolicyStamp(value: policyStampCounter.add(1, ordering: .relaxed).newValue) }
}

/// The source of ``PolicyStamp/next()``.
private let policyStampCounter = Atomic<Int>(0)

/// A learner's own policy pass π(s) on a batch of distillation states, kept from ``Distillable/policyEvaluation(for:)``
/// so that the distillation step on the same states need not run it again
/// (``Distillable/distill(states:targets:weights:reusing:)``).
///
/// It remembers which state of the policy computed it and on which states: a learner takes it only when both are
/// still its own, and otherwise runs the pass itself, so a stale pass can cost time but never change a result.
public struct PolicyForward: Sendable {
    /// The actor's forward pass: its input (the normalised states) and every layer's output.
    let cache: MLP<Float>.Cache
    /// The raw states sᵢ it was computed on.
    let observations: Matrix<Float>
    /// The policy that computed it.
    let stamp: PolicyStamp
}
