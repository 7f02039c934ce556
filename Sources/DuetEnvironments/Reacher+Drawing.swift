// Reacher draws its model's geoms (envs/models/reacher.xml) at the simulation's body poses, as every MuJoCo task
// does (PhysicsEnvironment+Drawing.swift).

extension Reacher: SimulationDrawable {
    /// The geoms of reacher.xml, read once.
    public static let scenery = ModelScenery(model: physicsModel, document: MuJoCoModelFiles.reacher)
}
