/// A dense layer's tensors, in order: `weight` (W), `bias` (b).
extension Dense: ParameterGroup {
    /// Two: W and b.
    @inlinable public var tensorCount: Int { 2 }

    /// W at 0, b at 1.
    @inlinable
    public func tensor(at index: Int) -> Matrix<Scalar> {
        switch index {
        case 0: return weight
        case 1: return bias
        default: preconditionFailure("a dense layer has 2 tensors, not \(index + 1)")
        }
    }

    /// In-place access to W (0) or b (1).
    @inlinable
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        switch index {
        case 0: return try body(&weight)
        case 1: return try body(&bias)
        default: preconditionFailure("a dense layer has 2 tensors, not \(index + 1)")
        }
    }

    /// `weight` or `bias`.
    public func tensorName(at index: Int) -> String {
        switch index {
        case 0: return "weight"
        case 1: return "bias"
        default: preconditionFailure("a dense layer has 2 tensors, not \(index + 1)")
        }
    }
}
