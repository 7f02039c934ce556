// Swimmer draws its model's geoms (envs/models/swimmer.xml) at the simulation's body poses, as every MuJoCo task
// does (PhysicsEnvironment+Drawing.swift).

extension Swimmer: SimulationDrawable {
    /// The geoms of swimmer.xml, read once.
    public static let scenery = ModelScenery(model: physicsModel, document: MuJoCoModelFiles.swimmer)
}
