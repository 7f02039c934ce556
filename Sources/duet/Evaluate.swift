import ArgumentParser
import DuetEnvironments
import DuetExperiments
import DuetRandom
import DuetResults
import Foundation

/// `duet evaluate RUN`: episodes of a run's kept policy, with their statistics and a CSV of every episode.
/// Parsing only; the work is in DuetExperiments (`PolicyRun`, `PolicyEpisodes`) and DuetResults (statistics).
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained policy: episodes, mean, standard deviation, IQM and 95% intervals.",
        discussion: """
            Plays --episodes episodes of a peer's kept policy (learner<i>/policy-final.duet or \
            policy-best.duet) with its deterministic action, or --stochastic with actions drawn from the \
            policy (SAC and PPO; under gSDE one exploration matrix is drawn per episode and held for all its \
            steps). The episodes run one after another on the stream \
            learner<i>/evaluation of root seed --seed (default: the run's seed), the stream of the run's own \
            evaluations: so with the defaults, a run whose only evaluation is its last gives exactly that \
            evaluation's returns. Stochastic actions draw from learner<i>/evaluation policy. Prints the mean, \
            the population standard deviation (as evaluations.csv), the IQM, and 95% percentile-bootstrap \
            intervals of the mean and the IQM (50,000 replicates from child 'evaluate bootstrap' of the seed); \
            writes episode,return,length,terminated to --csv (default: \
            <run>/learner<i>/evaluate-<policy>-seed<seed>[-stochastic].csv). On the tasks that reward forward \
            progress (Swimmer-v5, Hopper-v5, HalfCheetah-v5, Walker2d-v5) it also reports the learned forward \
            speed, each episode's root displacement over its time, (x_T − x_0)/(T·dt) in m/s (the mean of \
            Gymnasium's per-step x_velocity), as a forward_speed column and its mean.
            """)

    @Argument(help: ArgumentHelp("The run folder, e.g. runs/pendulum-td3/seed-0.", valueName: "run"))
    var runFolder: String

    @Option(help: ArgumentHelp("The peer i, whose policies are in learner<i>/ (default: the first).", valueName: "i"))
    var peer: Int?

    @Option(help: ArgumentHelp("Which kept policy: final or best.", valueName: "final|best"))
    var policy: String = "final"

    @Option(help: ArgumentHelp("Episodes to play (default: the run's evaluation.episodes).", valueName: "n"))
    var episodes: Int?

    @Option(help: "Root seed of the episodes' streams (default: the run's seed).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Play in this environment instead of the run's (same dimensions).", valueName: "id"))
    var env: String?

    @Flag(help: "Draw actions from the policy instead of taking its deterministic action.")
    var stochastic = false

    @Option(help: ArgumentHelp("Where to write the per-episode CSV.", valueName: "file"))
    var csv: String?

    @Flag(help: "Portable reproducibility (use it when the run was trained with --portable).")
    var portable = false

    func validate() throws {
        if let episodes, !(1...100_000).contains(episodes) {
            throw ValidationError("--episodes must be 1 to 100000, got \(episodes)")
        }
    }

    func run() throws {
        let choice = try PolicyChoice(parsing: policy)
        let trained = try PolicyRun(path: runFolder, peer: peer, choice: choice)
        let registration: EnvironmentRegistration
        do { registration = try trained.environment(env) } catch let error as EnvironmentError {
            throw CommandError("--env \(env ?? trained.configuration.env): \(error)")
        }
        let saved = trained.record.policy
        if stochastic, !saved.canSample {
            let name = saved.algorithm.name.uppercased()
            if saved.usesStateDependentExploration {
                throw CommandError("--stochastic: \(trained.file.path) keeps this \(name) gSDE policy without its "
                                   + "exploration log std (a file from before Duet kept it), so it cannot be sampled; "
                                   + "evaluate it without --stochastic, or retrain")
            }
            throw CommandError("--stochastic: this \(name) policy has no distribution to draw from; stochastic "
                               + "evaluation is for SAC and PPO policies")
        }
        let count = episodes ?? trained.configuration.evaluation.episodes
        let root = seed ?? trained.seed
        let output = csv ?? trained.file.deletingLastPathComponent()
            .appendingPathComponent("evaluate-\(choice.rawValue)-seed\(root)\(stochastic ? "-stochastic" : "").csv").path
        let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw CommandError("--csv \(output): cannot write the file (no such folder, or it is not writable)")
        }
        let outcomes = try PolicyEpisodes.run(
            saved, in: registration, episodes: count,
            mode: stochastic ? .stochastic(trained.samplingStream(seed: root)) : .deterministic,
            using: trained.evaluationStream(seed: root))
        let returns = outcomes.map(\.totalReward)
        let speeds = outcomes.compactMap(\.forwardSpeed)
        let movesForward = !speeds.isEmpty && speeds.count == outcomes.count
        var table = "episode,return,length,terminated\(movesForward ? ",forward_speed" : "")\n"
        for (index, outcome) in outcomes.enumerated() {
            table += "\(index + 1),\(CSVLog.format(outcome.totalReward)),\(outcome.length),\(outcome.isTerminated)"
            if movesForward, let speed = outcome.forwardSpeed { table += ",\(CSVLog.format(speed))" }
            table += "\n"
        }
        do { try table.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw CommandError("--csv \(output): cannot write the file (\(error.localizedDescription))")
        }

        let mean = Statistics.mean(returns)
        let deviation = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)).squareRoot()
        let bootstrap = StratifiedBootstrap()
        var source = RandomStream(seed: root).child("evaluate bootstrap")
        let meanInterval = bootstrap.interval(of: .mean, scores: [returns], using: &source)
        let iqmInterval = bootstrap.interval(of: .interquartileMean, scores: [returns], using: &source)
        let kept = trained.record.evaluationMean.map { ", its evaluation mean \(Self.number($0))" } ?? ""
        print("\(trained.peerName) \(choice.rawValue) policy (\(saved.algorithm.name.uppercased()), kept at step "
              + "\(trained.record.step)\(kept)): \(count) \(stochastic ? "stochastic" : "deterministic") episodes on "
              + "\(registration.identifier), seed \(root)")
        print("return mean \(Self.number(mean))  std \(Self.number(deviation))  IQM "
              + "\(Self.number(Statistics.interquartileMean(returns)))")
        print("95% intervals: mean [\(Self.number(meanInterval.lower)), \(Self.number(meanInterval.upper))]  IQM "
              + "[\(Self.number(iqmInterval.lower)), \(Self.number(iqmInterval.upper))]")
        if movesForward {
            print("forward speed (m/s, root displacement over episode time) mean \(Self.number(Statistics.mean(speeds)))  "
                  + "min \(Self.number(speeds.min()!))  max \(Self.number(speeds.max()!))")
        }
        print("wrote \(output)")
    }

    /// A return for the report, two decimals.
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }
}
