import DuetNumerics
import DuetTestSupport
import XCTest

/// Storage, value semantics and the BLAS wrappers, against naive loops.
final class MatrixTests: XCTestCase {
    func testStorageIsSixtyFourByteAligned() {
        for columns in [1, 3, 17, 256] {
            let matrix = Matrix<Float>(rows: 3, columns: columns)
            let address = matrix.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
            XCTAssertEqual(address % 64, 0, "3×\(columns) matrix at \(address)")
        }
    }

    func testInitialisersAndSubscript() {
        let matrix = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(matrix.shape, MatrixShape(rows: 2, columns: 3))
        XCTAssertEqual(matrix[1, 0], 4)
        XCTAssertEqual(matrix.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(matrix.row(1), [4, 5, 6])
        XCTAssertEqual(Matrix<Double>(rows: 2, columns: 3) { row, column in Double(3 * row + column + 1) }, matrix)
        XCTAssertEqual(matrix.transposed, Matrix([[1, 4], [2, 5], [3, 6]]))
        XCTAssertEqual(Matrix<Float>(rows: 2, columns: 2, repeating: 7).scalars, [7, 7, 7, 7])
        XCTAssertEqual("\(MatrixShape(rows: 256, columns: 17))", "256×17")
    }

    func testCopyOnWrite() {
        let original = Matrix<Float>([[1, 2], [3, 4]])
        var copy = original
        copy[0, 0] = 10
        XCTAssertEqual(original[0, 0], 1)
        XCTAssertEqual(copy[0, 0], 10)
        var other = original
        other.withUnsafeMutableBufferPointer { $0[3] = 40 }
        XCTAssertEqual(original[1, 1], 4)
        XCTAssertEqual(other[1, 1], 40)
    }

    func testResizeReusesALargeEnoughUniqueBlock() {
        var matrix = Matrix<Float>(rows: 8, columns: 8)
        let before = matrix.withUnsafeBufferPointer { $0.baseAddress }
        matrix.resize(rows: 4, columns: 16)
        matrix.resize(rows: 2, columns: 3)
        XCTAssertEqual(matrix.withUnsafeBufferPointer { $0.baseAddress }, before)
        matrix.resize(rows: 9, columns: 8)
        XCTAssertEqual(matrix.shape, MatrixShape(rows: 9, columns: 8))
        // A shared block is never reused, so the other owner keeps its values.
        var first = Matrix<Float>(rows: 2, columns: 2, repeating: 1)
        let second = first
        first.resize(rows: 1, columns: 2)
        first.fill(with: 5)
        XCTAssertEqual(second.scalars, [1, 1, 1, 1])
    }

    func testConcatenatingAndSplittingColumns() {
        let observations = Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        let actions = Matrix<Float>([[7], [8]])
        let joined = Matrix.concatenatingColumns(observations, actions)
        XCTAssertEqual(joined, Matrix([[1, 2, 3, 7], [4, 5, 6, 8]]))
        XCTAssertEqual(joined.columns(in: 0..<3), observations)
        XCTAssertEqual(joined.columns(in: 3..<4), actions)
        XCTAssertEqual(joined.columns(in: 1..<1).shape, MatrixShape(rows: 2, columns: 0))
    }

    func testGemmMatchesNaiveLoopsForEveryTransposeInFloatAndDouble() {
        var source = SeededSource(seed: 1)
        checkGemm(Float.self, tolerance: 1e-5, using: &source)
        checkGemm(Double.self, tolerance: 1e-13, using: &source)
    }

    private func checkGemm<Scalar: BLASScalar>(_: Scalar.Type, tolerance: Double, using source: inout SeededSource) {
        let (m, n, k) = (7, 5, 9)
        for transposingA in [false, true] {
            for transposingB in [false, true] {
                let a: Matrix<Scalar> = transposingA ? source.matrix(rows: k, columns: m)
                    : source.matrix(rows: m, columns: k)
                let b: Matrix<Scalar> = transposingB ? source.matrix(rows: n, columns: k)
                    : source.matrix(rows: k, columns: n)
                let initial: Matrix<Scalar> = source.matrix(rows: m, columns: n)
                var result = initial
                Matrix.multiply(a, b, transposingA: transposingA, transposingB: transposingB, alpha: 2, beta: 0.5,
                                into: &result)
                let product = Matrix.product(a, b, transposingA: transposingA, transposingB: transposingB)
                for i in 0..<m {
                    for j in 0..<n {
                        var naive = 0.0
                        for p in 0..<k {
                            let left = Double(transposingA ? a[p, i] : a[i, p])
                            let right = Double(transposingB ? b[j, p] : b[p, j])
                            naive += left * right
                        }
                        let label = "\(Scalar.self) op(A)=\(transposingA ? "Aᵀ" : "A") op(B)=\(transposingB ? "Bᵀ" : "B")"
                        XCTAssertEqual(Double(product[i, j]), naive, accuracy: tolerance, label)
                        XCTAssertEqual(Double(result[i, j]), 2 * naive + 0.5 * Double(initial[i, j]),
                                       accuracy: 2 * tolerance)
                    }
                }
            }
        }
    }

    func testGemmWithEmptyInnerDimensionIsZero() {
        let product = Matrix.product(Matrix<Float>(rows: 2, columns: 0), Matrix<Float>(rows: 0, columns: 3))
        XCTAssertEqual(product, Matrix(rows: 2, columns: 3))
    }

    func testGemvMatchesNaiveLoops() {
        var source = SeededSource(seed: 2)
        let a: Matrix<Double> = source.matrix(rows: 4, columns: 6)
        let x: [Double] = (0..<6).map { _ in source.nextUniform() }
        let xt: [Double] = (0..<4).map { _ in source.nextUniform() }
        let y = a.multiplied(by: x)
        let yt = a.multiplied(by: xt, transposed: true)
        for i in 0..<4 {
            XCTAssertEqual(y[i], (0..<6).reduce(0) { $0 + a[i, $1] * x[$1] }, accuracy: 1e-14)
        }
        for j in 0..<6 {
            XCTAssertEqual(yt[j], (0..<4).reduce(0) { $0 + a[$1, j] * xt[$1] }, accuracy: 1e-14)
        }
    }
}
