import DuetDistillation
import DuetEnvironments
import DuetLearners
import DuetRandom
import DuetRunFormat
import Foundation

/// Why a teacher could not be loaded (`distillation.teacher`).
public enum TeacherError: Error, Equatable, CustomStringConvertible {
    /// The teacher folder is not a finished run this Duet can read a learner from.
    case unusable(path: String, reason: String)

    /// The one-line message, naming the key and the folder.
    public var description: String {
        switch self {
        case let .unusable(path, reason): return "distillation.teacher: \(path): \(reason)"
        }
    }
}

/// The trained learner a teacher-student run distils from (Rusu et al. 2016's fixed teacher, DPD's classic
/// baseline): peer `teacherPeer` of the finished run in `distillation.teacher`, rebuilt from that run's
/// configuration and restored from its final checkpoint, so it keeps its critics (ξ uses the teacher's value
/// estimate, as a peer's) and its observation statistics. The teacher is never trained.
public enum TeacherRun {
    /// The teacher of `configuration`, or `nil` when it has none.
    /// - Throws: ``TeacherError`` when the folder is not a finished run, was trained on another environment,
    ///   has no such peer, or its checkpoint does not restore.
    public static func load(for configuration: ExperimentConfiguration) throws -> (any Distillable)? {
        guard let distillation = configuration.distillation, let path = distillation.teacher else { return nil }
        func unusable(_ reason: String) -> TeacherError { .unusable(path: path, reason: reason) }
        let resumption = RunResumption(folder: path, duetVersion: "")
        let teacherConfiguration: ExperimentConfiguration
        do {
            teacherConfiguration = try resumption.readRecord().configuration
        } catch {
            throw unusable("not a readable run folder (\(error))")
        }
        guard resumption.readStatus()?.state == .finished else {
            throw unusable("the run has not finished (status.json does not say finished); a teacher must be trained")
        }
        guard teacherConfiguration.env == configuration.env else {
            throw unusable("trained on \(teacherConfiguration.env), not on \(configuration.env)")
        }
        let peers = teacherConfiguration.resolvedPeers
        guard distillation.teacherPeer < peers.count else {
            throw unusable("no learner\(distillation.teacherPeer) (accepted teacherPeer: 0…\(peers.count - 1))")
        }
        // The objective's constraints between the two (same family for kl, same depth for layer relations)
        // are those of a pair made of the student and the teacher.
        var pair = configuration
        pair.distillation?.teacher = nil
        pair.peer = peers[distillation.teacherPeer].learner
        do {
            try pair.validate(at: "")
        } catch {
            throw unusable("its learner\(distillation.teacherPeer) cannot teach this learner: \(error)")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(contentsOf: URL(fileURLWithPath: path)
                .appendingPathComponent(RunFormat.checkpointFile))
        } catch {
            throw unusable("its final checkpoint does not read (\(error))")
        }
        let registration = try EnvironmentRegistry.registration(configuration.env)
        var learner = makeTeacher(peers[distillation.teacherPeer].learner, registration: registration)
        do {
            try learner.restore(from: checkpoint.archive,
                                prefix: RunFormat.learnerFolder(distillation.teacherPeer) + ".learner")
        } catch {
            throw unusable("learner\(distillation.teacherPeer) does not restore from its checkpoint (\(error))")
        }
        return learner
    }

    /// A learner of `configuration` for `registration`'s spaces (its initial weights are replaced at once).
    static func makeTeacher(_ configuration: LearnerConfiguration, registration: EnvironmentRegistration)
        -> any Distillable {
        let initialization = RandomStream(seed: 0, name: "teacher")
        if case let .ppo(ppo) = configuration {
            let space = registration.make().actionSpace
            return PPO(observationDimension: registration.observationDimension, actionLow: space.low,
                       actionHigh: space.high, configuration: ppo, initialization: initialization)
        }
        return makeLearner(configuration: configuration, observationDimension: registration.observationDimension,
                           actionDimension: registration.actionDimension, initialization: initialization)
    }
}
