/// A layer norm's tensors, in order: `gain` (γ), `bias` (β).
extension LayerNorm: ParameterGroup {
    /// Two: γ and β.
    @inlinable public var tensorCount: Int { 2 }

    /// γ at 0, β at 1.
    @inlinable
    public func tensor(at index: Int) -> Matrix<Scalar> {
        switch index {
        case 0: return gain
        case 1: return bias
        default: preconditionFailure("a layer norm has 2 tensors, not \(index + 1)")
        }
    }

    /// In-place access to γ (0) or β (1).
    @inlinable
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        switch index {
        case 0: return try body(&gain)
        case 1: return try body(&bias)
        default: preconditionFailure("a layer norm has 2 tensors, not \(index + 1)")
        }
    }

    /// `gain` or `bias`.
    public func tensorName(at index: Int) -> String {
        switch index {
        case 0: return "gain"
        case 1: return "bias"
        default: preconditionFailure("a layer norm has 2 tensors, not \(index + 1)")
        }
    }
}
