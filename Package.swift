// swift-tools-version:6.0
//
// Duet: dual policy distillation for continuous control, in Swift.
//
// Targets and their one-way dependencies ("A ← B, C" reads "A imports B and C"):
//
//   DuetNumerics      ← CBLAS (OpenBLAS)                 matrices, layers, MLPs, Adam, archives
//   DuetRandom        ← CGSL (GSL)                       seeded named streams, distributions
//   DuetPhysics       ← (Swift only)                     MJCF reader, planar articulated-body simulator
//   DuetEnvironments  ← DuetRandom, DuetPhysics          classic control, MuJoCo tasks, registry, traces
//   DuetConfiguration ← (Foundation only)                strict, defaulted decoding of configuration structs
//   DuetLearners      ← DuetNumerics, DuetRandom,        buffers, noises, DDPG / TD3 / SAC
//                       DuetConfiguration
//   DuetDistillation  ← DuetLearners, DuetConfiguration  weights from ξ, the distillation step, its settings
//   DuetRunFormat     ← (nothing)                        run-folder file names, CSV columns, run.json keys
//   DuetResults       ← DuetRandom, DuetRunFormat        statistics, curves, SVG figures
//   DuetExperiments   ← the libraries above, Yams        experiment files, run folders, trainers
//   DuetRender        ← DuetEnvironments, DuetRandom     episodes as animated SVG, GIF (own rasteriser), MP4
//   DuetBench         ← the libraries above              timing harness and benchmark cases
//   duet              ← everything, ArgumentParser       the thin command-line front end
//
// Each system library is imported by exactly one Swift target; environments and learners never import each
// other (the trainer joins them).
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
        .library(name: "DuetPhysics", targets: ["DuetPhysics"]),
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
        .target(name: "DuetPhysics", swiftSettings: optimisedForHost),
        .target(name: "DuetEnvironments", dependencies: ["DuetRandom", "DuetPhysics"], swiftSettings: optimisedForHost),
        .target(
            name: "DuetExperiments",
            dependencies: [
                "DuetNumerics", "DuetRandom", "DuetEnvironments", "DuetConfiguration", "DuetLearners",
                "DuetDistillation", "DuetRunFormat", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: optimisedForHost
        ),
        .target(name: "DuetConfiguration"),
        .target(
            name: "DuetLearners",
            dependencies: ["DuetNumerics", "DuetRandom", "DuetConfiguration"],
            swiftSettings: optimisedForHost
        ),
        .target(
            name: "DuetDistillation",
            dependencies: ["DuetNumerics", "DuetRandom", "DuetConfiguration", "DuetLearners"],
            swiftSettings: optimisedForHost
        ),
        .target(name: "DuetRunFormat"),
        .target(name: "DuetResults", dependencies: ["DuetRandom", "DuetRunFormat"], swiftSettings: optimisedForHost),
        .target(name: "DuetRender", dependencies: ["DuetEnvironments", "DuetRandom"], swiftSettings: optimisedForHost),
        .target(
            name: "DuetBench",
            dependencies: ["DuetNumerics", "DuetRandom", "DuetEnvironments", "DuetLearners", "DuetDistillation"],
            swiftSettings: optimisedForHost
        ),

        // MARK: The command
        .executableTarget(
            name: "duet",
            dependencies: [
                "DuetNumerics", "DuetRandom", "DuetEnvironments", "DuetConfiguration", "DuetLearners",
                "DuetExperiments", "DuetResults", "DuetBench", "DuetRender",
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
        .testTarget(name: "DuetPhysicsTests", dependencies: ["DuetPhysics"], exclude: ["Fixtures"]),
        .testTarget(name: "DuetEnvironmentsTests", dependencies: ["DuetEnvironments", "DuetPhysics", "DuetTestSupport"]),
        .testTarget(name: "DuetConfigurationTests",
                    dependencies: ["DuetConfiguration", "DuetLearners", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "DuetLearnersTests", dependencies: ["DuetLearners", "DuetTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "DuetDistillationTests", dependencies: ["DuetDistillation", "DuetLearners", "DuetTestSupport"]),
        .testTarget(name: "DuetExperimentsTests",
                    dependencies: ["DuetExperiments", "DuetConfiguration", "DuetEnvironments", "DuetTestSupport"]),
        .testTarget(name: "DuetRunFormatTests", dependencies: ["DuetRunFormat"]),
        .testTarget(name: "DuetResultsTests", dependencies: ["DuetResults"], exclude: ["Fixtures", "Snapshots"]),
        .testTarget(name: "DuetRenderTests", dependencies: ["DuetRender", "DuetEnvironments"]),
        .testTarget(name: "DuetCommandTests", dependencies: ["DuetTestSupport"], exclude: ["Snapshots"]),
    ]
)
