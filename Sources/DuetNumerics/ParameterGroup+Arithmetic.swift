/// Whole-model arithmetic on parameter groups: zeroing, accumulation, norms, clipping, Polyak averaging.
extension ParameterGroup {
    /// A value of the same layout with every tensor zero, in new storage (a gradient accumulator, say).
    public func zeroed() -> Self {
        var result = self
        for index in 0..<tensorCount {
            result.withTensor(at: index) { tensor in tensor = Matrix(rows: tensor.rows, columns: tensor.columns) }
        }
        return result
    }

    /// Sets every scalar of every tensor to zero, in place.
    @inlinable
    public mutating func zero() {
        for index in 0..<tensorCount {
            withTensor(at: index) { $0.fill(with: 0) }
        }
    }

    /// `self ← self + α·other`, tensor by tensor (`axpy`).
    /// - Precondition: `other` has the same layout.
    @inlinable
    public mutating func add(_ other: Self, scaledBy alpha: Scalar = 1) {
        requireSameLayout(as: other, "adding parameter groups")
        for index in 0..<tensorCount {
            let source = other.tensor(at: index)
            withTensor(at: index) { target in
                target.withUnsafeMutableBufferPointer { targetBuffer in
                    source.withUnsafeBufferPointer { sourceBuffer in
                        guard let x = sourceBuffer.baseAddress, let y = targetBuffer.baseAddress else { return }
                        Scalar.axpy(count: sourceBuffer.count, alpha: alpha, x: x, y: y)
                    }
                }
            }
        }
    }

    /// `self ← α·self`, tensor by tensor (`scal`).
    @inlinable
    public mutating func scale(by alpha: Scalar) {
        for index in 0..<tensorCount {
            withTensor(at: index) { tensor in
                tensor.withUnsafeMutableBufferPointer { buffer in
                    guard let x = buffer.baseAddress else { return }
                    Scalar.scal(count: buffer.count, alpha: alpha, x: x)
                }
            }
        }
    }

    /// The squared global norm `Σ_tensors Σ θᵢ²`, accumulated in Double across tensors.
    @inlinable
    public var squaredGlobalNorm: Double {
        var total = 0.0
        for index in 0..<tensorCount {
            tensor(at: index).withUnsafeBufferPointer { buffer in
                guard let x = buffer.baseAddress else { return }
                total += Double(Kernels<Scalar>.dot(x, x, count: buffer.count))
            }
        }
        return total
    }

    /// The global norm ‖θ‖₂ over all tensors together (the norm of their concatenation).
    @inlinable
    public var globalNorm: Scalar { Scalar(squaredGlobalNorm.squareRoot()) }

    /// Scales every tensor down so that the global norm is at most `maximumNorm`, and returns the norm before
    /// clipping (`torch.nn.utils.clip_grad_norm_`).
    ///
    /// As PyTorch: with n the global norm, the coefficient is c = maximumNorm / (n + 10⁻⁶), applied only when
    /// c < 1. Stable-Baselines3 clips PPO gradients this way with maximumNorm = 0.5.
    /// - Precondition: `maximumNorm` > 0.
    @inlinable @discardableResult
    public mutating func clipByGlobalNorm(_ maximumNorm: Scalar) -> Scalar {
        precondition(maximumNorm > 0, "the clipping norm must be positive, got \(maximumNorm)")
        let norm = squaredGlobalNorm.squareRoot()
        let coefficient = Double(maximumNorm) / (norm + 1e-6)
        if coefficient < 1 { scale(by: Scalar(coefficient)) }
        return Scalar(norm)
    }

    /// Polyak averaging of a target network towards its online network: θ′ ← τ·θ + (1 − τ)·θ′, with `self` the
    /// target θ′ and `online` θ (Lillicrap et al. 2016; DDPG and TD3 use τ = 0.005).
    ///
    /// Computed as Stable-Baselines3's `polyak_update`: θ′·(1 − τ) first, then + τ·θ.
    /// - Precondition: `online` has the same layout; 0 ≤ τ ≤ 1.
    @inlinable
    public mutating func polyakAverage(toward online: Self, rate tau: Scalar) {
        precondition(tau >= 0 && tau <= 1, "the Polyak rate τ must be in [0, 1], got \(tau)")
        requireSameLayout(as: online, "Polyak averaging")
        for index in 0..<tensorCount {
            let source = online.tensor(at: index)
            withTensor(at: index) { target in
                Kernels<Scalar>.polyak(target.mutableBase(), toward: source.base, rate: tau, count: source.count)
            }
        }
    }
}
