#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where initialisers draw their random numbers: one explicit, seeded stream owned by the caller.
///
/// DuetNumerics does not depend on Duet's sampling module; a caller adapts its stream, e.g. a `RandomStream`
/// from DuetRandom, with ``RandomDraws``:
///
/// ```swift
/// let stream = root.child("actor").child("initialisation")
/// var draws = RandomDraws(uniform: { stream.uniform() }, gaussian: { stream.gaussian() })
/// let actor = MLP<Float>(widths: [17, 256, 256, 6], using: &draws)
/// ```
public protocol RandomSource {
    /// A uniform draw from [0, 1).
    mutating func nextUniform() -> Double

    /// A standard Gaussian draw (mean 0, standard deviation 1). The default implementation uses the Box-Muller
    /// transform on two uniform draws and keeps one of its two outputs.
    mutating func nextGaussian() -> Double
}

extension RandomSource {
    /// A standard Gaussian draw by the Box-Muller transform: √(−2 ln u₁)·cos(2π u₂), with u₁ ∈ (0, 1].
    public mutating func nextGaussian() -> Double {
        let radius = (-2 * log(1 - nextUniform())).squareRoot()
        return radius * cos(2 * Double.pi * nextUniform())
    }

    /// A uniform draw from [`low`, `high`): `low + (high − low)·u`.
    public mutating func nextUniform(from low: Double, to high: Double) -> Double {
        low + (high - low) * nextUniform()
    }
}

/// A ``RandomSource`` made of closures, to adapt any generator without a conformance in this module.
public struct RandomDraws: RandomSource {
    /// Returns a uniform draw from [0, 1).
    public var uniform: () -> Double
    /// Returns a standard Gaussian draw, or `nil` to use the Box-Muller default.
    public var gaussian: (() -> Double)?

    /// Draws from the given closures.
    /// - Parameters:
    ///   - uniform: a uniform draw from [0, 1).
    ///   - gaussian: a standard Gaussian draw; when `nil`, Gaussians are made from `uniform` by Box-Muller.
    public init(uniform: @escaping () -> Double, gaussian: (() -> Double)? = nil) {
        self.uniform = uniform
        self.gaussian = gaussian
    }

    /// Calls ``uniform``.
    public mutating func nextUniform() -> Double { uniform() }

    /// Calls ``gaussian`` if given, else uses Box-Muller on ``uniform``.
    public mutating func nextGaussian() -> Double {
        if let gaussian { return gaussian() }
        let radius = (-2 * log(1 - uniform())).squareRoot()
        return radius * cos(2 * Double.pi * uniform())
    }
}
