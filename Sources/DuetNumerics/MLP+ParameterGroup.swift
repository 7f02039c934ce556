/// An MLP's tensors, layer by layer from the input: `layers.i.weight`, `layers.i.bias`, then, for a hidden layer
/// with layer norm, `layerNorms.i.gain`, `layerNorms.i.bias`.
extension MLP: ParameterGroup {
    /// 2 per dense layer plus 2 per layer norm.
    @inlinable public var tensorCount: Int { 2 * layers.count + 2 * layerNorms.count }

    /// The layer, and the slot within it (0 W, 1 b, 2 γ, 3 β), of tensor `index`.
    @inlinable
    func location(of index: Int) -> (layer: Int, slot: Int) {
        precondition(index >= 0 && index < tensorCount, "an MLP has \(tensorCount) tensors, not \(index + 1)")
        let perHiddenLayer = usesLayerNorm ? 4 : 2
        let hiddenTensors = perHiddenLayer * (layers.count - 1)
        if index < hiddenTensors { return (index / perHiddenLayer, index % perHiddenLayer) }
        return (layers.count - 1, index - hiddenTensors)
    }

    /// Tensor `index` in the order described above.
    @inlinable
    public func tensor(at index: Int) -> Matrix<Scalar> {
        let (layer, slot) = location(of: index)
        switch slot {
        case 0: return layers[layer].weight
        case 1: return layers[layer].bias
        case 2: return layerNorms[layer].gain
        default: return layerNorms[layer].bias
        }
    }

    /// In-place access to tensor `index`.
    @inlinable
    public mutating func withTensor<Result>(at index: Int, _ body: (inout Matrix<Scalar>) throws -> Result) rethrows
        -> Result {
        let (layer, slot) = location(of: index)
        switch slot {
        case 0: return try body(&layers[layer].weight)
        case 1: return try body(&layers[layer].bias)
        case 2: return try body(&layerNorms[layer].gain)
        default: return try body(&layerNorms[layer].bias)
        }
    }

    /// E.g. `layers.0.weight`, `layerNorms.1.gain`.
    public func tensorName(at index: Int) -> String {
        let (layer, slot) = location(of: index)
        switch slot {
        case 0: return "layers.\(layer).weight"
        case 1: return "layers.\(layer).bias"
        case 2: return "layerNorms.\(layer).gain"
        default: return "layerNorms.\(layer).bias"
        }
    }
}
