// swift-tools-version:6.0
//
// Duet: dual policy distillation for continuous control, in Swift.
//
// Targets, with their one-way dependencies (an arrow reads "is imported by"):
//
//   CBLAS (OpenBLAS) ──▶ DuetNumerics ──────────────────────┬──▶ DuetExperiments ──▶ duet
//   CGSL  (GSL)      ──▶ DuetRandom ──▶ DuetEnvironments ───┴──▶ DuetBench ─────────▶ duet
//
// Each system library is imported by exactly one Swift target. Environments never import the networks.
import PackageDescription

/// Release builds are tuned for AVX2/FMA machines; Swift's default x86-64 baseline turns SIMD
/// `addProduct` into per-lane `fmaf` calls (see shared docs, native-libraries.md).
let optimisedForHost: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "Duet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "duet", targets: ["duet"]),
        .library(name: "DuetNumerics", targets: ["DuetNumerics"]),
        .library(name: "DuetRandom", targets: ["DuetRandom"]),
        .library(name: "DuetEnvironments", targets: ["DuetEnvironments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: Native libraries
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CGSL",
            providers: [.apt(["libgsl-dev"])]
        ),

        // MARK: Libraries
        .target(name: "DuetNumerics", dependencies: ["CBLAS"], swiftSettings: optimisedForHost),
        .target(name: "DuetRandom", dependencies: ["CGSL"], swiftSettings: optimisedForHost),
        .target(name: "DuetEnvironments", dependencies: ["DuetRandom"], swiftSettings: optimisedForHost),
        .target(
            name: "DuetExperiments",
            dependencies: ["DuetNumerics", "DuetRandom", "DuetEnvironments", .product(name: "Yams", package: "Yams")],
            swiftSettings: optimisedForHost
        ),
        .target(
            name: "DuetBench",
            dependencies: ["DuetNumerics", "DuetRandom", "DuetEnvironments"],
            swiftSettings: optimisedForHost
        ),

        // MARK: The command
        .executableTarget(
            name: "duet",
            dependencies: [
                "DuetNumerics", "DuetRandom", "DuetEnvironments", "DuetExperiments", "DuetBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimisedForHost
        ),

        // MARK: Tests
        .target(
            name: "DuetTestSupport",
            dependencies: ["DuetNumerics"],
            path: "Tests/DuetTestSupport"
        ),
        .testTarget(name: "DuetNumericsTests", dependencies: ["DuetNumerics", "DuetTestSupport"]),
        .testTarget(name: "DuetRandomTests", dependencies: ["DuetRandom", "DuetTestSupport"]),
        .testTarget(name: "DuetEnvironmentsTests", dependencies: ["DuetEnvironments", "DuetTestSupport"]),
        .testTarget(name: "DuetExperimentsTests", dependencies: ["DuetExperiments", "DuetTestSupport"]),
        .testTarget(name: "DuetCommandTests", dependencies: ["DuetTestSupport"]),
    ]
)
