import DuetRandom

/// A learner of the configuration's algorithm (``OffPolicyConfiguration/algorithm``), its networks drawn from
/// `stream` (by convention the learner's `initialisation` stream).
/// - Precondition: dimensions positive; the configuration is valid (``OffPolicyConfiguration/validate(at:)``).
public func makeLearner(configuration: OffPolicyConfiguration, observationDimension: Int, actionDimension: Int,
                        initialization stream: RandomStream) -> any OffPolicyLearner {
    switch configuration.algorithm {
    case .ddpg:
        return DDPG(observationDimension: observationDimension, actionDimension: actionDimension,
                    configuration: configuration, initialization: stream)
    case .td3:
        return TD3(observationDimension: observationDimension, actionDimension: actionDimension,
                   configuration: configuration, initialization: stream)
    case .sac:
        return SAC(observationDimension: observationDimension, actionDimension: actionDimension,
                   configuration: configuration, initialization: stream)
    }
}
