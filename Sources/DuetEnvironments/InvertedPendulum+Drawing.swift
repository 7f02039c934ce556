// InvertedPendulum draws its model's geoms (envs/models/inverted_pendulum.xml) at the simulation's body poses, as every MuJoCo task
// does (PhysicsEnvironment+Drawing.swift).

extension InvertedPendulum: SimulationDrawable {
    /// The geoms of inverted_pendulum.xml, read once.
    public static let scenery = ModelScenery(model: physicsModel, document: MuJoCoModelFiles.invertedPendulum)
}
