import DuetRandom

/// An off-policy learner of the configuration's algorithm (``LearnerConfiguration/algorithm``), its networks
/// drawn from `stream` (by convention the learner's `initialisation` stream). PPO is built with ``PPO`` itself,
/// which also needs the action box.
/// - Precondition: dimensions positive; the configuration is valid (``LearnerConfiguration/validate(at:)``) and
///   off-policy (``LearnerAlgorithm/isOffPolicy``).
public func makeLearner(configuration: LearnerConfiguration, observationDimension: Int, actionDimension: Int,
                        initialization stream: RandomStream) -> any OffPolicyLearner {
    switch configuration {
    case let .ddpg(ddpg):
        return DDPG(observationDimension: observationDimension, actionDimension: actionDimension,
                    configuration: ddpg, initialization: stream)
    case let .td3(td3):
        return TD3(observationDimension: observationDimension, actionDimension: actionDimension,
                   configuration: td3, initialization: stream)
    case let .sac(sac):
        return SAC(observationDimension: observationDimension, actionDimension: actionDimension,
                   configuration: sac, initialization: stream)
    case .ppo:
        preconditionFailure("PPO is on-policy: build it with PPO(observationDimension:actionLow:actionHigh:…)")
    }
}
