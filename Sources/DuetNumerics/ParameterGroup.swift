/// A value made of trainable parameter tensors, walked by index in a fixed order.
///
/// ``Dense``, ``LayerNorm`` and ``MLP`` conform, and so can any composite model (an actor and critic pair, a
/// policy with a separate log-std tensor) by numbering its parts' tensors one after another. Everything that
/// treats a model as "a list of tensors" works through this protocol alone: ``Adam``, global-norm clipping,
/// Polyak averaging, gradient arithmetic and ``ParameterArchive``.
///
/// A model's gradient is a value of the same type (the gradient of an `MLP` is an `MLP` whose tensors hold
/// ∂L/∂θ), so the two always have the same layout.
///
/// Conformance: `tensor(at:)` and `withTensor(at:_:)` must reach the same stored matrix for an index, in place
/// (through stored properties and array elements, so that writing does not copy), and must never change the
/// number or shapes of the tensors.
public protocol ParameterGroup<Scalar> {
    /// The scalar type of every tensor.
    associatedtype Scalar: BLASScalar

    /// The number of parameter tensors.
    var tensorCount: Int { get }

    /// The tensor at `index` (0 ..< ``tensorCount``).
    func tensor(at index: Int) -> Matrix<Scalar>

    /// Calls `body` with in-place access to the tensor at `index` (0 ..< ``tensorCount``).
    mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result

    /// A stable name for the tensor at `index`, such as `weight` or `layers.1.bias`; archives store tensors
    /// under these names.
    func tensorName(at index: Int) -> String
}

extension ParameterGroup {
    /// All tensors, in order.
    public var tensors: [Matrix<Scalar>] { (0..<tensorCount).map { tensor(at: $0) } }

    /// All tensor names, in order.
    public var tensorNames: [String] { (0..<tensorCount).map { tensorName(at: $0) } }

    /// The shapes of all tensors, in order.
    public var tensorShapes: [MatrixShape] { (0..<tensorCount).map { tensor(at: $0).shape } }

    /// The total number of scalar parameters.
    public var scalarCount: Int { (0..<tensorCount).reduce(0) { $0 + tensor(at: $1).count } }

    /// Whether `other` has the same number of tensors with the same shapes.
    public func hasSameLayout(as other: some ParameterGroup) -> Bool {
        guard tensorCount == other.tensorCount else { return false }
        return (0..<tensorCount).allSatisfy { tensor(at: $0).shape == other.tensor(at: $0).shape }
    }

    /// Stops with a message naming the first difference if `other`'s layout differs from this one.
    @inlinable
    func requireSameLayout(as other: some ParameterGroup, _ context: @autoclosure () -> String) {
        Swift.precondition(tensorCount == other.tensorCount,
                           "\(context()): \(tensorCount) tensors against \(other.tensorCount)")
        for index in 0..<tensorCount {
            let shape = tensor(at: index).shape
            let otherShape = other.tensor(at: index).shape
            Swift.precondition(shape == otherShape,
                               "\(context()): tensor \(tensorName(at: index)) is \(shape) against \(otherShape)")
        }
    }
}
