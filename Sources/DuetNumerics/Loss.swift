/// Losses with their gradients with respect to the prediction, averaged over all elements as PyTorch's default
/// `reduction="mean"`.
///
/// Each loss comes in two forms: one returning the value and a new gradient matrix, and one writing the gradient
/// into a caller-owned matrix (allocation-free once it is large enough). Values are accumulated in Double.
public enum Loss {
    /// Mean squared error L = (1/N)·Σ (ŷ − y)² over all N elements, with ∂L/∂ŷ = 2(ŷ − y)/N
    /// (`F.mse_loss`).
    /// - Precondition: `prediction` and `target` have the same shape.
    @inlinable
    public static func meanSquaredError<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>)
        -> (value: Scalar, gradient: Matrix<Scalar>) {
        var gradient = Matrix<Scalar>()
        let value = meanSquaredError(prediction: prediction, target: target, gradient: &gradient)
        return (value, gradient)
    }

    /// Mean squared error, writing ∂L/∂ŷ into `gradient`; returns L.
    @inlinable
    public static func meanSquaredError<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>,
                                                            gradient: inout Matrix<Scalar>) -> Scalar {
        precondition(prediction.shape == target.shape,
                     "mean squared error between a \(prediction.shape) prediction and a \(target.shape) target")
        let count = prediction.count
        gradient.resize(rows: prediction.rows, columns: prediction.columns)
        guard count > 0 else { return 0 }
        let predicted = prediction.base
        let wanted = target.base
        let output = gradient.mutableBase()
        let scale = 2 / Scalar(count)
        var total = 0.0
        for index in 0..<count {
            let difference = predicted[index] - wanted[index]
            total += Double(difference * difference)
            output[index] = scale * difference
        }
        return Scalar(total / Double(count))
    }

    /// Per-sample weighted mean squared error L = (1/N)·Σᵢ wᵢ·Σⱼ (ŷᵢⱼ − yᵢⱼ)² over all N elements, with
    /// ∂L/∂ŷᵢⱼ = 2wᵢ(ŷᵢⱼ − yᵢⱼ)/N. With every wᵢ = 1 it is ``meanSquaredError(prediction:target:)``; distillation
    /// uses the weights to trust some of the peer's samples more than others.
    /// - Precondition: same shapes; `weights` is `batch × 1`.
    @inlinable
    public static func meanSquaredError<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>,
                                                            weights: Matrix<Scalar>)
        -> (value: Scalar, gradient: Matrix<Scalar>) {
        var gradient = Matrix<Scalar>()
        let value = meanSquaredError(prediction: prediction, target: target, weights: weights, gradient: &gradient)
        return (value, gradient)
    }

    /// Per-sample weighted mean squared error, writing ∂L/∂ŷ into `gradient`; returns L.
    @inlinable
    public static func meanSquaredError<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>,
                                                            weights: Matrix<Scalar>,
                                                            gradient: inout Matrix<Scalar>) -> Scalar {
        precondition(prediction.shape == target.shape,
                     "mean squared error between a \(prediction.shape) prediction and a \(target.shape) target")
        precondition(weights.rows == prediction.rows && weights.columns == 1,
                     "per-sample weights for a batch of \(prediction.rows) must be \(prediction.rows)×1, "
                        + "not \(weights.shape)")
        let count = prediction.count
        let columns = prediction.columns
        gradient.resize(rows: prediction.rows, columns: columns)
        guard count > 0 else { return 0 }
        let predicted = prediction.base
        let wanted = target.base
        let weight = weights.base
        let output = gradient.mutableBase()
        let scale = 2 / Scalar(count)
        var total = 0.0
        for row in 0..<prediction.rows {
            let rowWeight = weight[row]
            var rowTotal = 0.0
            for column in 0..<columns {
                let index = row &* columns &+ column
                let difference = predicted[index] - wanted[index]
                rowTotal += Double(difference * difference)
                output[index] = scale * rowWeight * difference
            }
            total += Double(rowWeight) * rowTotal
        }
        return Scalar(total / Double(count))
    }

    /// Huber loss with threshold δ, averaged over all N elements (`F.huber_loss`; with δ = 1 it equals
    /// `F.smooth_l1_loss`): per element d = ŷ − y, ℓ = d²/2 if |d| < δ, else δ(|d| − δ/2);
    /// ∂L/∂ŷ = d/N if |d| < δ, else δ·sign(d)/N.
    /// - Precondition: same shapes; δ > 0.
    @inlinable
    public static func huber<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>,
                                                 delta: Scalar = 1) -> (value: Scalar, gradient: Matrix<Scalar>) {
        var gradient = Matrix<Scalar>()
        let value = huber(prediction: prediction, target: target, delta: delta, gradient: &gradient)
        return (value, gradient)
    }

    /// Huber loss, writing ∂L/∂ŷ into `gradient`; returns L.
    @inlinable
    public static func huber<Scalar: BLASScalar>(prediction: Matrix<Scalar>, target: Matrix<Scalar>,
                                                 delta: Scalar = 1, gradient: inout Matrix<Scalar>) -> Scalar {
        precondition(prediction.shape == target.shape,
                     "Huber loss between a \(prediction.shape) prediction and a \(target.shape) target")
        precondition(delta > 0, "the Huber threshold δ must be positive, got \(delta)")
        let count = prediction.count
        gradient.resize(rows: prediction.rows, columns: prediction.columns)
        guard count > 0 else { return 0 }
        let predicted = prediction.base
        let wanted = target.base
        let output = gradient.mutableBase()
        let scale = 1 / Scalar(count)
        var total = 0.0
        for index in 0..<count {
            let difference = predicted[index] - wanted[index]
            let magnitude = abs(difference)
            if magnitude < delta {
                total += Double(difference * difference / 2)
                output[index] = scale * difference
            } else {
                total += Double(delta * (magnitude - delta / 2))
                output[index] = difference > 0 ? scale * delta : -scale * delta
            }
        }
        return Scalar(total / Double(count))
    }
}
