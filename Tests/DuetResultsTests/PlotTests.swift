import DuetResults
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// SVG figures: well-formed XML with the expected series, and byte-for-byte snapshots on fixed data.
///
/// To re-record the snapshots after an intended change, run
///
///     DUET_RECORD_SNAPSHOTS=1 OPENBLAS_NUM_THREADS=1 swift test -c release --filter DuetResultsTests.PlotTests
///
/// which rewrites `Tests/DuetResultsTests/Snapshots/*.svg` (then look at them, e.g. `rsvg-convert -o /tmp/x.png
/// Tests/DuetResultsTests/Snapshots/learning-curves.svg`, and commit them with the change).
final class PlotTests: XCTestCase {
    // MARK: Fixed data

    /// Two arms of 4 dual runs on Pendulum-v1, evaluated every 2500 steps to 20k; one run stops at 15k.
    static func learningRuns() throws -> RunSet {
        var runs: [Run] = []
        for (armIndex, arm) in ["distill-off", "distill-on"].enumerated() {
            for seed in 0..<4 {
                let last = arm == "distill-off" && seed == 3 ? 15_000 : 20_000
                let learners = (0..<2).map { learner in
                    stride(from: 2500, through: last, by: 2500).map { step -> Evaluation in
                        let progress = 1 - exp(-Double(step) / (7000 - 2000 * Double(armIndex)))
                        let wobble = Double((seed * 7 + learner * 3 + step / 2500) % 5) * 25 - 50
                        return Evaluation(step: step, episodes: 10, returnMean: -1250 + 1080 * progress + wobble)
                    }
                }
                runs.append(Run(url: URL(fileURLWithPath: "/runs/\(arm)/\(seed)"),
                                metadata: RunLabel(arm: arm, seed: UInt64(seed), task: "Pendulum-v1"),
                                learners: learners))
            }
        }
        return try RunSet(runs)
    }

    /// Two arms of 3 dual runs with distillation logs every 2500 steps.
    static func distillationRuns() throws -> RunSet {
        var runs: [Run] = []
        for (armIndex, arm) in ["distill-off", "distill-on"].enumerated() {
            for seed in 0..<3 {
                var records: [DistillationRecord] = []
                for step in stride(from: 2500, through: 20_000, by: 2500) {
                    for learner in 0..<2 {
                        let t = Double(step) / 20_000
                        let jitter = Double((seed * 5 + learner + step / 2500) % 3) * 0.02
                        records.append(DistillationRecord(
                            step: step, learner: learner,
                            fractionDisadvantageous: 0.5 - (armIndex == 1 ? 0.25 : 0.05) * t + 0.04 * Double(learner)
                                + jitter,
                            actionDistance: armIndex == 1 ? 0.9 * exp(-3 * t) + 0.1 + jitter : 0.9 - 0.2 * t + jitter))
                    }
                }
                let evaluations = [[Evaluation(step: 20_000, episodes: 10, returnMean: -200)],
                                   [Evaluation(step: 20_000, episodes: 10, returnMean: -210)]]
                runs.append(Run(url: URL(fileURLWithPath: "/runs/\(arm)/\(seed)"),
                                metadata: RunLabel(arm: arm, seed: UInt64(seed), task: "Pendulum-v1"),
                                learners: evaluations, distillation: records))
            }
        }
        return try RunSet(runs)
    }

    static func learningCurvesSVG() throws -> String {
        let curves = try CurveSet(runs: learningRuns(),
                                  options: CurveOptions(bootstrap: StratifiedBootstrap(replicates: 300), seed: 1))
        return LearningCurvePlot.svg(curves, options: PlotOptions(title: "Pendulum-v1: distillation on and off"))
    }

    static func distillationSVG() throws -> String {
        let diagnostics = DistillationDiagnostics(
            runs: try distillationRuns(),
            options: DiagnosticsOptions(bootstrap: StratifiedBootstrap(replicates: 300), seed: 1))
        return DistillationPlot.svg(diagnostics, options: PlotOptions(title: "Distillation diagnostics"))
    }

    // MARK: Structure

    func testLearningCurvesAreWellFormedWithTheExpectedSeries() throws {
        let svg = try Self.learningCurvesSVG()
        let document = try SVGDocument(svg)
        XCTAssertEqual(document.root, "svg")
        XCTAssertEqual(document.elements(class: "line").compactMap { $0["data-series"] }, ["distill-off", "distill-on"])
        XCTAssertEqual(document.elements(class: "band").compactMap { $0["data-series"] }, ["distill-off", "distill-on"])
        // Each line has one vertex per evaluation step of its arm (8 steps: 2.5k … 20k).
        for line in document.elements(class: "line") {
            XCTAssertEqual(line["d"]?.split(separator: "L").count, 8)
            XCTAssertEqual(line["stroke"], Palette.colour(line["data-series"] == "distill-off" ? 0 : 1))
        }
        let texts = document.texts
        for expected in ["Pendulum-v1: distillation on and off", "Pendulum-v1", "environment steps per learner",
                         "evaluation return", "distill-off", "distill-on", "0", "5k", "10k", "20k"] {
            XCTAssert(texts.contains(expected), "no text '\(expected)' in \(texts)")
        }
        XCTAssert(texts.contains { $0.hasPrefix("Line: IQM of n = 4 runs per arm; shaded: 95% bootstrap CI") })
        XCTAssertNoThrow(try document.assertCoordinatesInside())
    }

    func testDistillationFigureHasTwoPanelsAndALinePerArmAndLearner() throws {
        let document = try SVGDocument(try Self.distillationSVG())
        XCTAssertEqual(document.elements(class: "panel").count, 2)
        let series = ["distill-off/learner0", "distill-off/learner1", "distill-on/learner0", "distill-on/learner1"]
        XCTAssertEqual(document.elements(class: "line").compactMap { $0["data-series"] }, series + series)
        XCTAssertEqual(document.elements(class: "line").filter { $0["stroke-dasharray"] != nil }.count, 4,
                       "learner 1 is dashed in both panels")
        let texts = document.texts
        for expected in ["Action distance between the learners", "Disadvantageous states", "mean action distance",
                         "fraction of batch states", "distill-on, learner 1", "1.0"] {
            XCTAssert(texts.contains(expected), "no text '\(expected)' in \(texts)")
        }
        XCTAssertNoThrow(try document.assertCoordinatesInside())
    }

    func testTextIsEscaped() throws {
        let run = Run(url: URL(fileURLWithPath: "/r"), metadata: RunLabel(arm: "a<b & \"c\"", seed: 1, task: "T"),
                      learners: [[Evaluation(step: 1, episodes: 1, returnMean: 1),
                                  Evaluation(step: 2, episodes: 1, returnMean: 2)]])
        let curves = try CurveSet(runs: try RunSet([run]), options: CurveOptions(bootstrap: nil))
        let document = try SVGDocument(LearningCurvePlot.svg(curves, options: PlotOptions(title: "x < y")))
        XCTAssert(document.texts.contains("a<b & \"c\""))
        XCTAssertEqual(document.elements(class: "line").first?["data-series"], "a<b & \"c\"")
    }

    func testNiceTicks() {
        let steps = NiceScale(covering: 0, 19_000, targetTickCount: 4)
        XCTAssertEqual(steps.ticks, [0, 5000, 10_000, 15_000, 20_000])
        XCTAssertEqual(steps.ticks.map(steps.stepLabel), ["0", "5k", "10k", "15k", "20k"])
        let millions = NiceScale(covering: 0, 1_500_000, targetTickCount: 4)
        XCTAssertEqual(millions.ticks.map(millions.stepLabel), ["0", "0.5M", "1M", "1.5M"])
        let small = NiceScale(covering: 0, 1_500, targetTickCount: 3)
        XCTAssertEqual(small.ticks.map(small.stepLabel), ["0", "0.5k", "1k", "1.5k"])
        let returns = NiceScale(covering: -1234, -150, targetTickCount: 5)
        XCTAssertEqual(returns.step, 200)
        XCTAssertEqual(returns.ticks.first, -1400)
        XCTAssertEqual(returns.label(-1000), "\u{2212}1000")
        let fractions = NiceScale(covering: 0, 1, targetTickCount: 5)
        XCTAssertEqual(fractions.ticks.map(fractions.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(NiceScale(covering: 3, 3).ticks.count >= 2, true, "an empty range is widened")
    }

    // MARK: Snapshots

    func testLearningCurvesSnapshot() throws {
        try assertSnapshot(try Self.learningCurvesSVG(), named: "learning-curves.svg")
    }

    func testDistillationSnapshot() throws {
        try assertSnapshot(try Self.distillationSVG(), named: "distillation.svg")
    }

    private func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath,
                                line: UInt = #line) throws {
        let url = testDirectory.appendingPathComponent("Snapshots/\(name)")
        let recording = ProcessInfo.processInfo.environment["DUET_RECORD_SNAPSHOTS"] == "1"
        if recording || !FileManager.default.fileExists(atPath: url.path) {
            try Data(text.utf8).write(to: url)
            if !recording { XCTFail("recorded the missing snapshot \(name); run the test again", file: file, line: line) }
            return
        }
        let expected = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        if text != expected {
            let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
            let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actual, wanted).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actual.count, wanted.count)
            XCTFail("""
                \(name) differs from the snapshot at line \(first + 1):
                  expected: \(first < wanted.count ? String(wanted[first]) : "<end>")
                  actual:   \(first < actual.count ? String(actual[first]) : "<end>")
                (re-record with DUET_RECORD_SNAPSHOTS=1 if the change is intended)
                """, file: file, line: line)
        }
    }
}

/// An SVG parsed with Foundation's XMLParser: its elements' names and attributes, and its text.
struct SVGDocument {
    struct Element {
        var name: String
        var attributes: [String: String]
        subscript(key: String) -> String? { attributes[key] }
    }

    private(set) var root = ""
    private(set) var elements: [Element] = []
    private(set) var texts: [String] = []
    var width = 0.0
    var height = 0.0

    init(_ text: String) throws {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = delegate
        guard parser.parse() else {
            throw NSError(domain: "SVGDocument", code: 1, userInfo: [
                NSLocalizedDescriptionKey: "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") "
                    + "at line \(parser.lineNumber)",
            ])
        }
        elements = delegate.elements
        texts = delegate.texts
        root = elements.first?.name ?? ""
        width = Double(elements.first?["width"] ?? "") ?? 0
        height = Double(elements.first?["height"] ?? "") ?? 0
    }

    func elements(class name: String) -> [Element] { elements.filter { $0["class"] == name } }

    /// Every coordinate of lines, bands, points and texts lies inside the figure.
    func assertCoordinatesInside() throws {
        for element in elements {
            var numbers: [(Double, Bool)] = []  // (value, isX)
            if let d = element["d"] {
                let values = d.split(whereSeparator: { "MLZ, ".contains($0) }).compactMap { Double($0) }
                numbers += values.enumerated().map { ($0.element, $0.offset % 2 == 0) }
            }
            for key in ["x", "x1", "x2", "cx"] { if let v = element[key].flatMap(Double.init) { numbers.append((v, true)) } }
            for key in ["y", "y1", "y2", "cy"] { if let v = element[key].flatMap(Double.init) { numbers.append((v, false)) } }
            for (value, isX) in numbers where value < 0 || value > (isX ? width : height) {
                XCTFail("\(element.name) coordinate \(value) outside the \(width) × \(height) figure")
            }
        }
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var texts: [String] = []
        var current = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(Element(name: name, attributes: attributes))
            current = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { texts.append(trimmed) }
            current = ""
        }
    }
}
