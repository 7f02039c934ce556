import DuetNumerics

/// How far an analytic gradient is from its central-difference estimate.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// ‖a − n‖₂ / (‖a‖₂ + ‖n‖₂) over all checked entries (0 when both are zero): scale-free, and small only if
    /// the whole gradient agrees, not just its largest entries.
    public var relativeError: Double
    /// The largest |aᵢ − nᵢ|.
    public var maximumAbsoluteError: Double
    /// Which entry had the largest absolute error, e.g. `layers.1.weight[3, 7]`.
    public var worstEntry: String
    /// How many entries were compared.
    public var entryCount: Int

    /// One line for test failure messages.
    public var description: String {
        "relative error \(relativeError), max abs error \(maximumAbsoluteError) at \(worstEntry) "
            + "over \(entryCount) entries"
    }
}

/// Central-difference gradient checks (as micrograd's and tinygrad's `gradcheck`): each entry xᵢ is moved by ±h
/// and (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h is compared with the analytic ∂f/∂xᵢ.
///
/// The truncation error is O(h²) and the rounding error O(ε_machine·|f|/h): in Double, h = 10⁻⁶ gives about 10⁻¹⁰
/// relative error on smooth functions; in Float, h = 10⁻³ and a tolerance of a few 10⁻³ is as good as it gets
/// (ε = 10⁻⁵ fails), which is why the tight checks run in Double.
public enum GradientCheck {
    /// The central-difference gradient of `f` at `point`, in Double.
    public static func numericalGradient<Scalar: BLASScalar>(
        at point: Matrix<Scalar>, step: Scalar, of f: (Matrix<Scalar>) -> Double
    ) -> Matrix<Double> {
        var result = Matrix<Double>(rows: point.rows, columns: point.columns)
        var moved = point
        for row in 0..<point.rows {
            for column in 0..<point.columns {
                let original = point[row, column]
                moved[row, column] = original + step
                let up = f(moved)
                moved[row, column] = original - step
                let down = f(moved)
                moved[row, column] = original
                // Divide by the step actually taken, which rounding can change in Float.
                let taken = Double(original + step) - Double(original - step)
                result[row, column] = (up - down) / taken
            }
        }
        return result
    }

    /// Checks the gradient of `f` with respect to a matrix input.
    public static func check<Scalar: BLASScalar>(
        at point: Matrix<Scalar>, analytic: Matrix<Scalar>, step: Scalar, name: String = "input",
        of f: (Matrix<Scalar>) -> Double
    ) -> GradientCheckResult {
        precondition(point.shape == analytic.shape, "gradient \(analytic.shape) for a \(point.shape) point")
        var accumulator = Accumulator()
        let numerical = numericalGradient(at: point, step: step, of: f)
        accumulator.add(analytic: analytic, numerical: numerical, name: name)
        return accumulator.result
    }

    /// Checks the gradient of `f` with respect to every parameter tensor of `model`.
    public static func check<Model: ParameterGroup>(
        parametersOf model: Model, analytic: Model, step: Model.Scalar, of f: (Model) -> Double
    ) -> GradientCheckResult {
        precondition(model.hasSameLayout(as: analytic), "the analytic gradient's layout differs from the model's")
        var accumulator = Accumulator()
        for index in 0..<model.tensorCount {
            let numerical = numericalGradient(at: model.tensor(at: index), step: step) { tensor in
                var moved = model
                moved.withTensor(at: index) { $0 = tensor }
                return f(moved)
            }
            accumulator.add(analytic: analytic.tensor(at: index), numerical: numerical,
                            name: model.tensorName(at: index))
        }
        return accumulator.result
    }

    /// A fixed random linear functional L(Y) = Σ Rᵢⱼ·Yᵢⱼ for checking a backward pass: its gradient with respect
    /// to Y is R, which is passed to `backward` as the output gradient.
    public static func projection<Scalar: BLASScalar>(_ output: Matrix<Scalar>, onto weights: Matrix<Scalar>)
        -> Double {
        precondition(output.shape == weights.shape, "projecting a \(output.shape) output onto \(weights.shape)")
        var total = 0.0
        for row in 0..<output.rows {
            for column in 0..<output.columns {
                total += Double(output[row, column]) * Double(weights[row, column])
            }
        }
        return total
    }

    /// Sums of squares and the worst entry, across tensors.
    struct Accumulator {
        var differenceSquares = 0.0
        var analyticSquares = 0.0
        var numericalSquares = 0.0
        var worst = 0.0
        var worstEntry = "none"
        var count = 0

        mutating func add<Scalar: BLASScalar>(analytic: Matrix<Scalar>, numerical: Matrix<Double>, name: String) {
            for row in 0..<analytic.rows {
                for column in 0..<analytic.columns {
                    let a = Double(analytic[row, column])
                    let n = numerical[row, column]
                    differenceSquares += (a - n) * (a - n)
                    analyticSquares += a * a
                    numericalSquares += n * n
                    if abs(a - n) > worst || count == 0 {
                        worst = abs(a - n)
                        worstEntry = "\(name)[\(row), \(column)] (analytic \(a), numerical \(n))"
                    }
                    count += 1
                }
            }
        }

        var result: GradientCheckResult {
            let scale = analyticSquares.squareRoot() + numericalSquares.squareRoot()
            return GradientCheckResult(relativeError: scale > 0 ? differenceSquares.squareRoot() / scale : 0,
                                       maximumAbsoluteError: worst, worstEntry: worstEntry, entryCount: count)
        }
    }
}
