/// Duet's version, printed by `duet --version` and recorded in every run's metadata.
enum DuetVersion {
    /// Semantic version of this release.
    static let number = "0.1.0"
    /// What `--version` prints.
    static var description: String { "duet \(number)" }
}
