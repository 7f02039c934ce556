// HalfCheetah draws its model's geoms at the simulation's body poses, as every MuJoCo task does
// (PhysicsEnvironment+Drawing.swift).

extension HalfCheetah: SimulationDrawable {
    /// The geoms of its model file, read once.
    public static let scenery = ModelScenery(model: physicsModel, document: MuJoCoModelFiles.halfCheetah)
}
