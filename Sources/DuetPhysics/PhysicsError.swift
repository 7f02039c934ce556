/// Everything that can go wrong in DuetPhysics, with the context to find it; `description` is one line.
public enum PhysicsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The text is not well-formed XML.
    case malformedXML(file: String, line: Int, reason: String)
    /// An element outside the supported MJCF subset.
    case unsupportedElement(element: String, file: String, line: Int)
    /// An attribute outside the supported MJCF subset, or one whose value the simulator does not implement
    /// (a ball joint, a mesh geom, contacts, an implicit integrator…).
    case unsupportedAttribute(element: String, attribute: String, value: String, file: String, line: Int,
                              reason: String)
    /// An attribute whose value cannot be read (a number that is not one, the wrong count of numbers).
    case invalidValue(element: String, attribute: String, value: String, file: String, line: Int, reason: String)
    /// A required attribute is missing, or a reference (a motor's joint, a class) names nothing.
    case missingReference(element: String, attribute: String, file: String, line: Int, reason: String)
    /// The model is not a planar chain this simulator can reduce (say, hinges about different axes).
    case notPlanar(file: String, line: Int, reason: String)

    /// One line naming the problem and where it is: file, line, element and attribute.
    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedXML(file, line, reason):
            return "\(file):\(line): malformed XML: \(reason)"
        case let .unsupportedElement(element, file, line):
            return "\(file):\(line): element <\(element)> is outside the supported MJCF subset"
        case let .unsupportedAttribute(element, attribute, value, file, line, reason):
            return "\(file):\(line): <\(element) \(attribute)=\"\(value)\"> is not supported: \(reason)"
        case let .invalidValue(element, attribute, value, file, line, reason):
            return "\(file):\(line): <\(element) \(attribute)=\"\(value)\">: \(reason)"
        case let .missingReference(element, attribute, file, line, reason):
            return "\(file):\(line): <\(element)> \(attribute): \(reason)"
        case let .notPlanar(file, line, reason):
            return "\(file):\(line): not a planar model: \(reason)"
        }
    }
}
