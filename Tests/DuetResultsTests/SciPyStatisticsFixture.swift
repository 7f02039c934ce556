import Foundation

/// `Fixtures/scipy_statistics.json`, written by `scripts/reference/scipy_statistics_fixtures.py` (SciPy 1.17.1):
/// `scipy.stats.wilcoxon` with its defaults and `scipy.stats.ttest_ind(equal_var=False)` with zero variances.
struct SciPyStatisticsFixture: Decodable {
    /// A number that the script writes as a JSON number, or as `"nan"`, `"inf"` or `"-inf"`.
    struct Number: Decodable {
        var value: Double

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                value = number
                return
            }
            switch try container.decode(String.self) {
            case "nan": value = .nan
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            case let other:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number: \(other)")
            }
        }
    }

    struct Wilcoxon: Decodable {
        var name: String
        var differences: [Double]
        /// Set when SciPy raised instead of answering (then the numbers are absent).
        var error: String?
        var statistic: Number?
        var p: Number?
        /// `exact`, `permutation` or `normal`: the branch SciPy ran.
        var method: String?
        var abs_z: Number?
    }

    struct Welch: Decodable {
        var name: String
        var x: [Double]
        var y: [Double]
        var t: Number
        var df: Number
        var p: Number
    }

    var generator: String
    var wilcoxon: [Wilcoxon]
    var welch: [Welch]

    static func load() throws -> SciPyStatisticsFixture {
        let url = testDirectory.appendingPathComponent("Fixtures/scipy_statistics.json")
        return try JSONDecoder().decode(SciPyStatisticsFixture.self, from: Data(contentsOf: url))
    }
}
