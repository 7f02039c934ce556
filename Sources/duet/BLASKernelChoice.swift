import DuetNumerics
import Foundation

/// Chooses faster OpenBLAS kernels when OpenBLAS does not recognise the CPU.
///
/// OpenBLAS picks its kernels when it loads. Debian's 0.3.21 does not know recent Intel server CPUs and falls
/// back to its generic SSE3 `Prescott` kernels, which run `sgemm` 3 to 7 times slower than its AVX-512
/// `SkylakeX` kernels on the same CPU (BENCHMARKS.md). The choice can only be changed before the library loads,
/// through `OPENBLAS_CORETYPE`; so when OpenBLAS chose `Prescott` and neither `OPENBLAS_CORETYPE` nor
/// `DUET_OPENBLAS_CORETYPE` is set, `duet` starts itself again with `OPENBLAS_CORETYPE=SkylakeX` if the CPU has
/// AVX-512 (F, BW, DQ and VL), or `Haswell` if it has AVX2 and FMA. A `OPENBLAS_CORETYPE` you set is always respected;
/// `DUET_OPENBLAS_CORETYPE=keep` turns the choice off, and any other value of it is used as the core type.
///
/// **Portable mode** (`--portable`, or `DUET_REPRODUCIBLE=portable` in the environment, which child runs inherit;
/// `duet quickstart` is portable unless `--no-portable`): OpenBLAS's `Haswell` kernels on every x86-64 CPU with
/// AVX2 and FMA, whatever its own best, so that the same seed gives the same logs on any such machine (on AMD Zen
/// they are the kernels OpenBLAS picks anyway; on AVX-512 CPUs they are slower than `SkylakeX`).
enum BLASKernelChoice {
    /// The core type portable mode pins.
    static let portableCoreType = "Haswell"

    /// Whether this invocation asks for portable mode explicitly (`--portable`, `DUET_REPRODUCIBLE=portable`) or
    /// by default (`duet quickstart`).
    enum PortableRequest { case none, explicit, byDefault }

    /// What this invocation asks for.
    static func portableRequest(_ arguments: [String]) -> PortableRequest {
        if arguments.contains("--portable") || ProcessInfo.processInfo.environment["DUET_REPRODUCIBLE"] == "portable" {
            return .explicit
        }
        let command = arguments.dropFirst().first
        return command == "quickstart" && !arguments.contains("--no-portable") ? .byDefault : .none
    }

    /// Re-executes the process with better kernels if that applies (or with the portable ones when asked);
    /// returns if it does not (or if exec fails).
    static func reexecuteIfBeneficial() {
        let request = portableRequest(CommandLine.arguments)
        if request != .none {
            guard bestCoreType(flags: cpuFlags()) != nil else {
                if request == .byDefault {
                    FileHandle.standardError.write(Data(
                        "Note: this CPU lacks AVX2 or FMA, so the Quickstart runs without portable mode and its digits may differ from the README's\n".utf8))
                    return
                }
                FileHandle.standardError.write(Data(
                    "Error: --portable needs an x86-64 CPU with AVX2 and FMA; this one lacks them\n".utf8))
                exit(1)
            }
            setenv("DUET_REPRODUCIBLE", "portable", 1)  // inherited by child runs
            if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == portableCoreType
                || BLASRuntime.coreName.lowercased() == portableCoreType.lowercased() { return }
            setenv("OPENBLAS_CORETYPE", portableCoreType, 1)
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            return
        }
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil else { return }
        let requested = environment["DUET_OPENBLAS_CORETYPE"]
        if requested == "keep" { return }
        let coreType: String
        if let requested {
            coreType = requested
        } else {
            guard BLASRuntime.usesGenericKernels, let best = bestCoreType(flags: cpuFlags()) else { return }
            coreType = best
        }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // exec failed: carry on with the kernels already loaded.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// The fastest OpenBLAS core type the CPU's flags allow, or `nil` for none better than the generic one.
    static func bestCoreType(flags: Set<String>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The CPU flags listed in /proc/cpuinfo (empty if it cannot be read).
    static func cpuFlags() -> Set<String> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }
}
