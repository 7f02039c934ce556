import Foundation

/// `Fixtures/statistics.json`, written by `Fixtures/make_fixtures.py` (SciPy and NumPy; see that script).
struct StatisticsFixture: Decodable {
    struct Aggregate: Decodable {
        var scores: [[Double]]
        var mean: Double
        var median: Double
        var iqm: Double
        var optimality_gap: Double
    }

    struct Quantile: Decodable {
        var values: [Double]
        var probabilities: [Double]
        var expected: [Double]
    }

    struct Improvement: Decodable {
        var x: [[Double]]
        var y: [[Double]]
        var probability: Double
    }

    struct Welch: Decodable {
        var x: [Double]
        var y: [Double]
        var t: Double
        var df: Double
        var p: Double
    }

    struct ReplayOne: Decodable {
        var scores: [[Double]]
        var replicates: Int
        var indices: [Int]
        var values: [Double]
        var lower: Double
        var upper: Double
        var estimate: Double
    }

    struct ReplayTwo: Decodable {
        var x: [[Double]]
        var y: [[Double]]
        var replicates: Int
        var indices: [Int]
        var values: [Double]
        var lower: Double
        var upper: Double
        var estimate: Double
    }

    struct ReplayProfile: Decodable {
        var scores: [[Double]]
        var thresholds: [Double]
        var fractions: [Double]
        var replicates: Int
        var indices: [Int]
        var lower: [Double]
        var upper: [Double]
    }

    struct Replay: Decodable {
        var iqm: ReplayOne
        var improvement: ReplayTwo
        var iqm_difference: ReplayTwo
        var profile: ReplayProfile
    }

    struct ExactOne: Decodable {
        var scores: [[Double]]
        var percentiles: [String: Double]
    }

    struct ExactTwo: Decodable {
        var x: [[Double]]
        var y: [[Double]]
        var percentiles: [String: Double]
    }

    struct Exact: Decodable {
        var iqm: ExactOne
        var improvement: ExactTwo
    }

    var generator: String
    var aggregates: [Aggregate]
    var quantiles: [Quantile]
    var improvement: [Improvement]
    var welch: [Welch]
    var replay: Replay
    var exact: Exact

    static func load() throws -> StatisticsFixture {
        let url = testDirectory.appendingPathComponent("Fixtures/statistics.json")
        return try JSONDecoder().decode(StatisticsFixture.self, from: Data(contentsOf: url))
    }
}
