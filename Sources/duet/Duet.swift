import ArgumentParser

/// The `duet` command: a thin layer that parses arguments and calls the Duet libraries.
@main
struct Duet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duet",
        abstract: "Dual policy distillation for continuous control: train two peer agents side by side.",
        discussion: """
            Duet trains two peer learners (DDPG, TD3, SAC, PPO), each in its own copy of an environment, \
            that distil from each other on the states where the peer is better (Lai et al., IJCAI 2020).
            """,
        version: DuetVersion.description,
        subcommands: [
            Quickstart.self,
            Demo.self,
            Envs.self,
            Bench.self,
            Train.self,
            BornAgain.self,
            DistillSet.self,
            Ablate.self,
            Sweep.self,
            Summarize.self,
            Plot.self,
            Export.self,
            Resume.self,
            Evaluate.self,
            Render.self,
        ]
    )

    /// Chooses OpenBLAS kernels (see ``BLASKernelChoice``) and one BLAS thread unless the environment says
    /// otherwise (``BLASThreads``), then parses the arguments and runs the command.
    static func main() {
        BLASThreads.useOneUnlessChosen()
        BLASKernelChoice.reexecuteIfBeneficial()
        main(nil)
    }
}
