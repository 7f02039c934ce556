/// A one-line error for the user: ArgumentParser prints it as `Error: <message>` and exits with status 1.
///
/// Library errors already carry their context (file, key, value, accepted values); commands wrap only what
/// they detect themselves.
struct CommandError: Error, CustomStringConvertible {
    /// The message, naming the file, key or flag at fault and the accepted values.
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
