import DuetDistillation
import DuetLearners
import DuetNumerics
import DuetRandom

/// A state source that hands out its rows in order (the draw itself is the replay buffer's, tested apart), so
/// distillation batches can be hand-worked: `rows` holds the states' values one after the other, `width` each.
struct FixedStates: DistillationStateSource {
    var rows: [Float]
    var width = 1
    var stateCount: Int { rows.count / width }
    func sampleStates(count: Int, mostRecent window: Int?, using stream: RandomStream,
                      into destination: inout Matrix<Float>) {
        destination = Matrix(rows: count, columns: width, scalars: Array(rows.prefix(count * width)))
    }
}
