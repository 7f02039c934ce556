import ArgumentParser

/// A command that belongs to Duet's command structure but is not available in this version.
///
/// Each exits with status 1 and a one-line message naming the capability it waits for, rather than
/// pretending to work.
protocol PlannedCommand: ParsableCommand {
    /// The capability the command waits for, e.g. "the off-policy learners".
    static var arrivesWith: String { get }
}

extension PlannedCommand {
    func run() throws {
        let name = Self.configuration.commandName ?? "command"
        throw CommandError(
            "duet \(name) is not available in this version yet; it arrives with \(Self.arrivesWith).")
    }
}
