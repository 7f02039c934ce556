// Mass and inertia of a geom from its shape, as MuJoCo's compiler computes them (user_objects.cc:
// `mjCGeom::GetVolume`, `mjCGeom::SetInertia` with `mjINERTIA_VOLUME`, and `mjCBody::InertiaFromGeom`), and
// the quaternion helpers the compiler needs (user_util.cc: `mjuu_z2quat`, `mjuu_normvec`).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The geom shapes the reader accepts (`mjtGeom`).
public enum GeomShape: String, Sendable, Equatable {
    /// An infinite plane through the geom's origin, normal along its z axis (`mjGEOM_PLANE`); world geoms only.
    case plane
    /// A sphere of radius size.x (`mjGEOM_SPHERE`).
    case sphere
    /// A segment of half-length size.y along z, swept by a sphere of radius size.x (`mjGEOM_CAPSULE`).
    case capsule
    /// A cylinder of radius size.x and half-height size.y along z (`mjGEOM_CYLINDER`).
    case cylinder
    /// An ellipsoid of semi-axes size (`mjGEOM_ELLIPSOID`).
    case ellipsoid
    /// A box of half-sizes size (`mjGEOM_BOX`).
    case box
}

/// One geom after the compiler's `fromto` and orientation processing: frame in the body, mass and the
/// diagonal inertia in the geom frame.
struct CompiledGeom {
    var shape: GeomShape
    /// Size (`geom_size`): radius / half-length / half-sizes as MuJoCo stores them.
    var size: Vector3
    /// Position in the body frame (`geom_pos`).
    var position: Vector3
    /// Orientation in the body frame (`geom_quat`).
    var orientation: SIMD4<Double>
    /// Mass (`geom_mass` via density × volume, or the `mass` attribute).
    var mass: Double
    /// Diagonal inertia in the geom frame.
    var inertia: Vector3
    /// Contact bits.
    var contype: Int, conaffinity: Int
    var name: String
    var line: Int

    /// The volume of the solid shape (`GetVolume`, `mjINERTIA_VOLUME`).
    static func volume(_ shape: GeomShape, _ size: Vector3) -> Double {
        switch shape {
        case .sphere: return 4 * Double.pi * size.x * size.x * size.x / 3
        case .capsule:
            let height = 2 * size.y, radius = size.x
            return Double.pi * (radius * radius * height + 4 * radius * radius * radius / 3)
        case .cylinder: return Double.pi * size.x * size.x * (2 * size.y)
        case .ellipsoid: return 4 * Double.pi * size.x * size.y * size.z / 3
        case .box: return size.x * size.y * size.z * 8
        case .plane: return 0
        }
    }

    /// The diagonal inertia of a solid of mass `mass` in its own frame (`SetInertia`, `mjINERTIA_VOLUME`).
    static func inertia(_ shape: GeomShape, _ size: Vector3, mass: Double) -> Vector3 {
        switch shape {
        case .sphere:
            let value = 2 * mass * size.x * size.x / 5
            return Vector3(value, value, value)
        case .capsule:
            let height = 2 * size.y, radius = size.x
            let sphereMass = mass * 4 * radius / (4 * radius + 3 * height)
            let cylinderMass = mass - sphereMass
            var across = cylinderMass * (3 * radius * radius + height * height) / 12
            var along = cylinderMass * radius * radius / 2
            let sphereInertia = 2 * sphereMass * radius * radius / 5
            across += sphereInertia + sphereMass * height * (3 * radius + 2 * height) / 8
            along += sphereInertia
            return Vector3(across, across, along)
        case .cylinder:
            let height = 2 * size.y, radius = size.x
            let across = mass * (3 * radius * radius + height * height) / 12
            return Vector3(across, across, mass * radius * radius / 2)
        case .ellipsoid:
            let (a, b, c) = (size.x, size.y, size.z)
            return Vector3(mass * (b * b + c * c) / 5, mass * (a * a + c * c) / 5, mass * (a * a + b * b) / 5)
        case .box:
            let (a, b, c) = (size.x, size.y, size.z)
            return Vector3(mass * (b * b + c * c) / 3, mass * (a * a + c * c) / 3, mass * (a * a + b * b) / 3)
        case .plane:
            return .zero
        }
    }
}

/// Quaternion and rotation helpers, (w, x, y, z) as MuJoCo stores quaternions.
enum Rotation {
    /// `q` divided by its norm (`mjuu_normvec(quat, 4)`); the identity for a zero quaternion.
    static func normalized(_ q: SIMD4<Double>) -> SIMD4<Double> {
        let norm = (q * q).sum().squareRoot()
        return norm < 1e-15 ? SIMD4(1, 0, 0, 0) : q / norm
    }

    /// The quaternion turning the z axis onto `vector` (`mjuu_z2quat`).
    static func zToVector(_ vector: Vector3) -> SIMD4<Double> {
        let length = (vector * vector).sum().squareRoot()
        let unit = vector / length
        var axis = Vector3(-unit.y, unit.x, 0)  // z × unit
        let s = (axis * axis).sum().squareRoot()
        if s < 1e-10 { axis = Vector3(1, 0, 0) } else { axis /= s }
        let angle = atan2(s, unit.z)
        let half = sin(angle / 2)
        return SIMD4(cos(angle / 2), axis.x * half, axis.y * half, axis.z * half)
    }

    /// The rotation matrix of unit quaternion `q`, as three columns.
    static func matrix(_ q: SIMD4<Double>) -> (Vector3, Vector3, Vector3) {
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let column0 = Vector3(1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y))
        let column1 = Vector3(2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))
        let column2 = Vector3(2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y))
        return (column0, column1, column2)
    }

    /// `q` applied to `vector`.
    static func rotate(_ vector: Vector3, by q: SIMD4<Double>) -> Vector3 {
        let (c0, c1, c2) = matrix(q)
        return c0 * vector.x + c1 * vector.y + c2 * vector.z
    }
}

/// The inertia of a body from its geoms (`mjCBody::InertiaFromGeom`): one geom's frame and inertia are copied;
/// several are combined about their joint centre of mass and diagonalised.
enum BodyInertia {
    /// (mass, centre of mass, principal orientation, principal moments) of `geoms` (massless geoms skipped).
    static func combine(_ geoms: [CompiledGeom]) -> (Double, Vector3, SIMD4<Double>, Vector3) {
        let selected = geoms.filter { $0.mass > 1e-14 }
        if selected.isEmpty { return (0, .zero, SIMD4(1, 0, 0, 0), .zero) }
        if selected.count == 1 {
            let geom = selected[0]
            return (geom.mass, geom.position, geom.orientation, geom.inertia)
        }
        let mass = selected.reduce(0) { $0 + $1.mass }
        var com = Vector3.zero
        for geom in selected { com += geom.mass * geom.position }
        com /= mass
        // Full inertia about the centre of mass: R·diag(I)·Rᵀ + m·(|d|²·E − d·dᵀ), summed.
        var full = [[Double]](repeating: [0, 0, 0], count: 3)
        for geom in selected {
            let (c0, c1, c2) = Rotation.matrix(geom.orientation)
            let columns = [c0, c1, c2]
            let d = geom.position - com
            let dd = (d * d).sum()
            for row in 0..<3 {
                for column in 0..<3 {
                    var value = 0.0
                    for k in 0..<3 { value += columns[k][row] * geom.inertia[k] * columns[k][column] }
                    value += geom.mass * ((row == column ? dd : 0) - d[row] * d[column])
                    full[row][column] += value
                }
            }
        }
        let (moments, axes) = SymmetricEigen.decompose(full)
        return (mass, com, SymmetricEigen.quaternion(axes), moments)
    }
}

/// The eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations.
enum SymmetricEigen {
    /// Eigenvalues (descending) and the eigenvectors as columns of a right-handed rotation.
    static func decompose(_ matrix: [[Double]]) -> (Vector3, [[Double]]) {
        var a = matrix
        var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for _ in 0..<50 {
            let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
            if off < 1e-30 { break }
            for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<3 {
                    let akp = a[k][p], akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<3 {
                    let apk = a[p][k], aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<3 {
                    let vkp = v[k][p], vkq = v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
        var order = [0, 1, 2]
        order.sort { a[$0][$0] > a[$1][$1] }
        var vectors: [[Double]] = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
        for (column, source) in order.enumerated() {
            for row in 0..<3 { vectors[row][column] = v[row][source] }
        }
        // Right-handed: third column = first × second.
        let x = Vector3(vectors[0][0], vectors[1][0], vectors[2][0])
        let y = Vector3(vectors[0][1], vectors[1][1], vectors[2][1])
        let z = Vector3(x.y * y.z - x.z * y.y, x.z * y.x - x.x * y.z, x.x * y.y - x.y * y.x)
        for row in 0..<3 { vectors[row][2] = z[row] }
        return (Vector3(a[order[0]][order[0]], a[order[1]][order[1]], a[order[2]][order[2]]), vectors)
    }

    /// The unit quaternion of a rotation matrix given by rows.
    static func quaternion(_ m: [[Double]]) -> SIMD4<Double> {
        let trace = m[0][0] + m[1][1] + m[2][2]
        if trace > 0 {
            let w = 0.5 * (1 + trace).squareRoot()
            return SIMD4(w, (m[2][1] - m[1][2]) / (4 * w), (m[0][2] - m[2][0]) / (4 * w), (m[1][0] - m[0][1]) / (4 * w))
        }
        if m[0][0] > m[1][1] && m[0][0] > m[2][2] {
            let x = 0.5 * (1 + m[0][0] - m[1][1] - m[2][2]).squareRoot()
            return SIMD4((m[2][1] - m[1][2]) / (4 * x), x, (m[0][1] + m[1][0]) / (4 * x), (m[0][2] + m[2][0]) / (4 * x))
        }
        if m[1][1] > m[2][2] {
            let y = 0.5 * (1 - m[0][0] + m[1][1] - m[2][2]).squareRoot()
            return SIMD4((m[0][2] - m[2][0]) / (4 * y), (m[0][1] + m[1][0]) / (4 * y), y, (m[1][2] + m[2][1]) / (4 * y))
        }
        let z = 0.5 * (1 - m[0][0] - m[1][1] + m[2][2]).squareRoot()
        return SIMD4((m[1][0] - m[0][1]) / (4 * z), (m[0][2] + m[2][0]) / (4 * z), (m[1][2] + m[2][1]) / (4 * z), z)
    }
}
