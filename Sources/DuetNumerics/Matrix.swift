/// The shape of a matrix: `rows × columns`.
public struct MatrixShape: Hashable, Sendable, CustomStringConvertible {
    /// Number of rows (for a batch, the batch size).
    public var rows: Int
    /// Number of columns (for a batch, the feature count).
    public var columns: Int

    /// The shape `rows × columns`.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// Reads like `256×17`.
    public var description: String { "\(rows)×\(columns)" }
}

/// A dense, row-major matrix of ``BLASScalar``s with value semantics.
///
/// Scalars live in one 64-byte-aligned heap block shared between copies until one of them is written
/// (copy-on-write, like `Array`). Element `(i, j)` is at offset `i·columns + j`. A batch of inputs is a matrix with
/// one row per sample, so a layer's batch product is a single `gemm`.
///
/// The block can be larger than `rows·columns` (see ``resize(rows:columns:)``), which lets the workspace paths of
/// the layers reuse one buffer across batch sizes without allocating.
public struct Matrix<Scalar: BLASScalar>: Sendable {
    /// Number of rows; stored under an internal name so that inlinable code can set it.
    @usableFromInline var rowCount: Int
    /// Number of columns.
    @usableFromInline var columnCount: Int
    /// The shared, copy-on-write block.
    @usableFromInline var storage: MatrixStorage<Scalar>

    /// Number of rows.
    @inlinable public var rows: Int { rowCount }

    /// Number of columns.
    @inlinable public var columns: Int { columnCount }

    /// `rows × columns`.
    @inlinable public var shape: MatrixShape { MatrixShape(rows: rowCount, columns: columnCount) }

    /// Number of scalars, `rows · columns`.
    @inlinable public var count: Int { rowCount &* columnCount }

    /// The empty `0 × 0` matrix.
    @inlinable
    public init() {
        self.init(rows: 0, columns: 0)
    }

    /// A `rows × columns` matrix filled with `value` (zero by default).
    /// - Precondition: `rows`, `columns` ≥ 0.
    @inlinable
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "a matrix shape cannot be negative: \(rows)×\(columns)")
        rowCount = rows
        columnCount = columns
        storage = MatrixStorage(capacity: rows * columns)
        if value != 0 { storage.base.update(repeating: value, count: rows * columns) }
    }

    /// A `rows × columns` matrix whose row-major scalars are `scalars`.
    /// - Precondition: `scalars.count == rows · columns`.
    @inlinable
    public init(rows: Int, columns: Int, scalars: [Scalar]) {
        precondition(scalars.count == rows * columns,
                     "\(scalars.count) scalars cannot fill a \(rows)×\(columns) matrix")
        self.init(rows: rows, columns: columns)
        scalars.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { storage.base.update(from: from, count: source.count) }
        }
    }

    /// A matrix from nested rows, e.g. `Matrix([[1, 2], [3, 4]])`.
    /// - Precondition: every row has the same length.
    @inlinable
    public init(_ rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of a matrix must have equal lengths")
        self.init(rows: rows.count, columns: columns, scalars: rows.flatMap { $0 })
    }

    /// A one-row matrix holding `vector`.
    @inlinable
    public init(row vector: [Scalar]) {
        self.init(rows: 1, columns: vector.count, scalars: vector)
    }

    /// A `rows × columns` matrix whose element `(i, j)` is `element(i, j)`, filled row by row.
    @inlinable
    public init(rows: Int, columns: Int, _ element: (_ row: Int, _ column: Int) throws -> Scalar) rethrows {
        self.init(rows: rows, columns: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                storage.base[row &* columns &+ column] = try element(row, column)
            }
        }
    }

    /// Element `(row, column)`.
    /// - Precondition: the indices are in range.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                         "index (\(row), \(column)) out of range for a \(shape) matrix")
            return storage.base[row &* columnCount &+ column]
        }
        set {
            precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount,
                         "index (\(row), \(column)) out of range for a \(shape) matrix")
            makeUnique()
            storage.base[row &* columnCount &+ column] = newValue
        }
    }

    /// The row-major scalars, copied into an array.
    @inlinable
    public var scalars: [Scalar] {
        Array(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// Row `index`, copied into an array.
    @inlinable
    public func row(_ index: Int) -> [Scalar] {
        precondition(index >= 0 && index < rowCount, "row \(index) out of range for a \(shape) matrix")
        return Array(UnsafeBufferPointer(start: storage.base + index &* columnCount, count: columnCount))
    }

    /// Calls `body` with the row-major scalars (`count` of them, 64-byte-aligned).
    @inlinable
    public func withUnsafeBufferPointer<Result>(
        _ body: (UnsafeBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// Calls `body` with the row-major scalars for writing, copying the block first if it is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Result
    ) rethrows -> Result {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// Changes the shape to `rows × columns`, reusing the block when it is large enough and not shared.
    ///
    /// This is how workspaces avoid allocation: the scalars are left as they were in the block (unspecified
    /// values, to be overwritten) unless the block has to grow, in which case the new one is zero-filled.
    /// - Precondition: `rows`, `columns` ≥ 0.
    @inlinable
    public mutating func resize(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "a matrix shape cannot be negative: \(rows)×\(columns)")
        let needed = rows * columns
        if needed > storage.capacity || !isKnownUniquelyReferenced(&storage) {
            storage = MatrixStorage(capacity: Swift.max(needed, storage.capacity))
        }
        rowCount = rows
        columnCount = columns
    }

    /// Makes this matrix a copy of `other` (shape and scalars), reusing the block when possible.
    @inlinable
    public mutating func assign(_ other: Matrix) {
        resize(rows: other.rowCount, columns: other.columnCount)
        storage.base.update(from: other.storage.base, count: other.count)
    }

    /// Sets every scalar to `value`, keeping the shape.
    @inlinable
    public mutating func fill(with value: Scalar) {
        makeUnique()
        storage.base.update(repeating: value, count: count)
    }

    /// The first scalar, for reading inside the core's kernels (valid while this matrix is alive and unchanged).
    @inlinable
    var base: UnsafePointer<Scalar> { UnsafePointer(storage.base) }

    /// The first scalar, for writing inside the core's kernels: makes the block unique first.
    @inlinable
    mutating func mutableBase() -> UnsafeMutablePointer<Scalar> {
        makeUnique()
        return storage.base
    }

    /// Gives this value its own block if the block is shared (the copy in copy-on-write).
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(count: count, capacity: count)
        }
    }
}

extension Matrix: Equatable {
    /// Equal shapes and equal scalars.
    @inlinable
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        guard lhs.shape == rhs.shape else { return false }
        if lhs.storage === rhs.storage { return true }
        for index in 0..<lhs.count where lhs.storage.base[index] != rhs.storage.base[index] { return false }
        return true
    }
}

extension Matrix: CustomStringConvertible {
    /// The shape and the rows, e.g. `Matrix 2×2 [[1.0, 2.0], [3.0, 4.0]]`.
    public var description: String {
        "Matrix \(shape) [" + (0..<rowCount).map { "\(row($0))" }.joined(separator: ", ") + "]"
    }
}
