/// The text that `duet envs list` and `duet envs describe` print.
extension EnvironmentRegistry {
    /// A table of every registered environment: identifier, observation and action dimensions, time limit.
    public static func listing() -> [String] {
        let header = ["identifier", "observation", "action", "steps"]
        let rows = all.map { [$0.identifier, String($0.observationDimension), String($0.actionDimension),
                              String($0.maximumEpisodeSteps)] }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column == 0 ? row[column] + padding : padding + row[column]
            }.joined(separator: "  ")
        }
    }
}

extension EnvironmentRegistration {
    /// A description of the environment: task, spaces with their bounds, state, reward, start, episode end,
    /// and for a simulated one its model's bodies, joints and motors.
    public func describe() -> [String] {
        let environment = make()
        let docs = documentation
        func interval(_ space: BoxSpace, _ index: Int) -> String {
            "[\(space.low[index]), \(space.high[index])]"  // Float's description: "-inf" and "inf" when unbounded
        }
        func table(_ labels: [String], _ space: BoxSpace) -> [String] {
            let width = labels.map(\.count).max() ?? 0
            return labels.indices.map { index in
                let label = labels[index] + String(repeating: " ", count: width - labels[index].count)
                return "  \(index)  \(label)  \(interval(space, index))"
            }
        }
        return ["\(identifier): \(docs.summary)",
                "reference: \(docs.reference)",
                "observation (\(observationDimension)):"] + table(docs.observation, environment.observationSpace)
            + ["action (\(actionDimension)):"] + table(docs.action, environment.actionSpace)
            + ["state (\(docs.state.count), the order of --state): " + docs.state.joined(separator: "; "),
               "reward: \(docs.reward)",
               "start: \(docs.start)",
               "episode end: \(docs.termination); truncated at \(maximumEpisodeSteps) steps"]
            + modelDescription
            + ["specification: envs/\(identifier).md"]
    }
}
