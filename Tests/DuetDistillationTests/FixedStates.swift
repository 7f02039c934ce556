import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom

/// A one-dimensional state source that hands out its rows in order (the draw itself is the replay buffer's,
/// tested apart), so distillation batches can be hand-worked.
struct FixedStates: DistillationStateSource {
    var rows: [Float]
    var stateCount: Int { rows.count }
    func sampleStates(count: Int, mostRecent window: Int?, using stream: RandomStream,
                      into destination: inout Matrix<Float>) {
        destination = Matrix(rows: count, columns: 1, scalars: Array(rows.prefix(count)))
    }
}
