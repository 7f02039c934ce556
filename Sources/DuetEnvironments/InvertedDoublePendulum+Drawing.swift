// InvertedDoublePendulum draws its model's geoms (envs/models/inverted_double_pendulum.xml) at the simulation's body poses, as every MuJoCo task
// does (PhysicsEnvironment+Drawing.swift).

extension InvertedDoublePendulum: SimulationDrawable {
    /// The geoms of inverted_double_pendulum.xml, read once.
    public static let scenery = ModelScenery(model: physicsModel, document: MuJoCoModelFiles.invertedDoublePendulum)
}
