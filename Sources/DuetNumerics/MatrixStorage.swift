/// The heap block behind a ``Matrix``: `capacity` scalars at a 64-byte-aligned address, zero-initialised.
///
/// Kept internal behind the matrix's copy-on-write value semantics (the pattern of swift-collections' `Deque`).
/// 64-byte alignment lets OpenBLAS's kernels use aligned loads on every row of a matrix whose row length is a
/// multiple of 16 floats, which makes small products up to 1.4 times faster than Swift arrays' 16-byte alignment.
/// It is `@unchecked Sendable` for the same reason `Array` is `Sendable`: a ``Matrix`` writes to a block only
/// after making sure it is the block's sole owner.
@usableFromInline
final class MatrixStorage<Scalar: BLASScalar>: @unchecked Sendable {
    /// The byte alignment of every block.
    @usableFromInline static var alignment: Int { 64 }

    /// How many scalars the block holds.
    @usableFromInline let capacity: Int

    /// The first scalar.
    @usableFromInline let base: UnsafeMutablePointer<Scalar>

    /// A zero-filled block of `capacity` scalars.
    @usableFromInline
    init(capacity: Int) {
        precondition(capacity >= 0, "a matrix cannot hold a negative number of scalars (\(capacity))")
        self.capacity = capacity
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: Swift.max(capacity, 1) * MemoryLayout<Scalar>.stride, alignment: Self.alignment)
        // Zero bytes are 0.0 for every BLAS scalar: filling bytes avoids the unspecialised per-element generic
        // initialisation that this (non-inlinable, generic) initialiser would otherwise run.
        _ = raw.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(capacity, 1) * MemoryLayout<Scalar>.stride)
        base = raw.bindMemory(to: Scalar.self, capacity: Swift.max(capacity, 1))
    }

    deinit {
        UnsafeMutableRawPointer(base).deallocate()
    }

    /// A new block of `capacity` scalars whose first `count` scalars are copied from this one (the rest zero).
    @usableFromInline
    func copy(count: Int, capacity: Int) -> MatrixStorage {
        let result = MatrixStorage(capacity: capacity)
        // Scalars are trivial: copy bytes (a generic element-wise copy would go through value witnesses).
        UnsafeMutableRawPointer(result.base).copyMemory(from: base,
                                                        byteCount: Swift.min(count, capacity) * MemoryLayout<Scalar>.stride)
        return result
    }
}
