import DuetPhysics
import XCTest

/// Laws the simulator must obey whatever MuJoCo does: energy conservation of an undamped chain, momentum
/// balance of a free-floating chain, and the rest penetration of a joint pushed into its soft limit.
final class PhysicsLawTests: XCTestCase {
    /// A double pendulum hanging from the world (hinges about y, capsule links of 0.6 m), with armature but
    /// no damping, stiffness or limits.
    let doublePendulum = """
        <mujoco model="double pendulum">
          <default><geom contype="0"/></default>
          <option gravity="0 0 -9.81" integrator="RK4" timestep="0.01"/>
          <worldbody>
            <body name="upper" pos="0 0 0">
              <joint name="shoulder" type="hinge" axis="0 1 0" armature="0.05"/>
              <geom type="capsule" fromto="0 0 0 0 0 -0.6" size="0.045"/>
              <body name="lower" pos="0 0 -0.6">
                <joint name="elbow" type="hinge" axis="0 1 0" armature="0.05"/>
                <geom type="capsule" fromto="0 0 0 0 0 -0.6" size="0.045"/>
              </body>
            </body>
          </worldbody>
        </mujoco>
        """

    /// Swimmer's three links, free in the xy plane (two slides and a hinge at the root), with motors on the
    /// two inner hinges, no fluid, no damping and no armature.
    let freeChain = """
        <mujoco model="free chain">
          <default><geom contype="0"/></default>
          <option gravity="0 0 0" integrator="RK4" timestep="0.001"/>
          <worldbody>
            <body name="torso" pos="0 0 0">
              <geom type="capsule" fromto="1.5 0 0 0.5 0 0" size="0.1"/>
              <joint name="x" type="slide" axis="1 0 0"/>
              <joint name="y" type="slide" axis="0 1 0"/>
              <joint name="rotation" type="hinge" axis="0 0 1"/>
              <body name="mid" pos="0.5 0 0">
                <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1"/>
                <joint name="first" type="hinge" axis="0 0 1"/>
                <body name="back" pos="-1 0 0">
                  <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1"/>
                  <joint name="second" type="hinge" axis="0 0 1"/>
                </body>
              </body>
            </body>
          </worldbody>
          <actuator>
            <motor joint="first" gear="150"/>
            <motor joint="second" gear="150"/>
          </actuator>
        </mujoco>
        """

    /// Total energy ½q̇ᵀMq̇ − Σ m·g·x_com of the undamped double pendulum, released from 1 rad and 0.5 rad,
    /// over 10 s of RK4 at h = 0.01 s: the drift is RK4's truncation error, O(h⁴).
    func testUndampedChainConservesEnergyUnderRK4() throws {
        var simulation = Simulation(try PlanarModel(try MJCF.read(doublePendulum, file: "double.xml")))
        simulation.setState(positions: [1, 0.5], velocities: [0, 0])
        let initial = simulation.kineticEnergy + simulation.potentialEnergy
        var largest = 0.0
        for _ in 0..<1000 {
            simulation.step()
            simulation.forward()
            largest = max(largest, abs(simulation.kineticEnergy + simulation.potentialEnergy - initial))
        }
        // Scale: the potential energy swing, m·g·ℓ ≈ 4.2 kg · 9.81 m/s² · 0.6 m ≈ 25 J.
        print("double pendulum: largest energy drift over 10 s \(largest) J from \(initial) J")
        XCTAssertLessThan(largest, 2e-5)  // measured 4.5e-6 J
        XCTAssertGreaterThan(simulation.kineticEnergy, 1)  // it is still swinging
    }

    /// With no gravity and no external force, the motors' internal torques leave the linear momentum and the
    /// angular momentum about the origin unchanged; a wrong mass matrix or bias force would not. What changes
    /// is RK4's truncation error: it shrinks about 16-fold (fourth order) when h is halved.
    func testFreeChainConservesMomentumWithoutGravity() throws {
        let coarse = try momentumDrift(timestep: 0.001)
        let fine = try momentumDrift(timestep: 0.0005)
        print("free chain: largest momentum change over 1 s \(coarse) at h = 1 ms, \(fine) at h = 0.5 ms")
        XCTAssertLessThan(coarse, 1e-7)  // of momenta about 90 kg·m/s
        XCTAssertLessThan(fine, coarse / 12)  // measured: 4.3e-9 and 2.6e-10, a ratio of 16
    }

    private func momentumDrift(timestep: Double) throws -> Double {
        let text = freeChain.replacingOccurrences(of: "timestep=\"0.001\"", with: "timestep=\"\(timestep)\"")
        var simulation = Simulation(try PlanarModel(try MJCF.read(text, file: "chain.xml")))
        simulation.setState(positions: [0.1, -0.2, 0.3, 0.4, -0.5], velocities: [0.5, -0.3, 0.2, 1.0, -1.5])
        let initial = simulation.momentum
        let steps = Int((1 / timestep).rounded()), switchEvery = steps / 10
        var largest = 0.0
        for step in 0..<steps {
            if step % switchEvery == 0 {
                let k = Double(step / switchEvery)
                simulation.controls = [sin(k), cos(k)]
            }
            simulation.step()
            simulation.forward()
            let now = simulation.momentum
            largest = max(largest, abs(now.u - initial.u), abs(now.w - initial.w), abs(now.angular - initial.angular))
        }
        XCTAssertGreaterThan(abs(simulation.positions[3] - 0.4), 0.1)  // the chain did bend
        return largest
    }

    /// With gravity the linear momentum grows at exactly M·g (g in the plane, here along x and y).
    func testFreeChainMomentumGrowsAtTotalWeight() throws {
        let text = freeChain.replacingOccurrences(of: "gravity=\"0 0 0\"", with: "gravity=\"0.5 -2 -9.81\"")
        let model = try MJCF.read(text, file: "chain.xml")
        let totalMass = model.bodies.reduce(0) { $0 + $1.mass }
        var simulation = Simulation(try PlanarModel(model))
        simulation.controls = [0.3, 0.2]
        simulation.setState(positions: [0, 0, 0.2, 0.3, -0.1], velocities: [0, 0, 0.5, -0.5, 0.5])
        let initial = simulation.momentum
        for _ in 0..<500 { simulation.step() }
        simulation.forward()
        let now = simulation.momentum, elapsed = 0.5
        XCTAssertEqual(now.u - initial.u, totalMass * 0.5 * elapsed, accuracy: 1e-9 * totalMass)
        XCTAssertEqual(now.w - initial.w, totalMass * -2 * elapsed, accuracy: 1e-9 * totalMass)
    }

    /// A 1 kg slider pushed into its upper limit by 100 N comes to rest past the limit by the soft
    /// constraint's penetration. At rest f = aref/R with aref = −K·imp·dist, R = (1 − imp)/imp · (1/m),
    /// K = 1/(dmax²·τ²), imp = dmax (|dist| ≥ width): dist = −F·(1 − dmax)·τ²/m = −100·0.05·0.02²/1 = −2e-3 m.
    func testJointPushedIntoItsLimitRestsAtTheSoftConstraintsPenetration() throws {
        let text = """
            <mujoco model="slider">
              <option gravity="0 0 0" integrator="RK4" timestep="0.002"/>
              <worldbody>
                <body name="block">
                  <joint name="slide" type="slide" axis="1 0 0" range="-0.5 0.5"/>
                  <joint name="spin" type="hinge" axis="0 0 1" damping="1"/>
                  <geom type="sphere" size="0.05" mass="1" contype="0"/>
                </body>
              </worldbody>
              <actuator><motor joint="slide" gear="100" ctrlrange="-1 1"/></actuator>
            </mujoco>
            """
        var simulation = Simulation(try PlanarModel(try MJCF.read(text, file: "slider.xml")))
        simulation.controls = [1]
        simulation.setState(positions: [0.4, 0], velocities: [0, 0])
        for _ in 0..<2500 { simulation.step() }  // 5 s: the limit's damping ratio 1 settles it
        simulation.forward()
        XCTAssertEqual(simulation.positions[0], 0.5 + 2e-3, accuracy: 1e-9)
        XCTAssertEqual(simulation.velocities[0], 0, accuracy: 1e-9)
        XCTAssertEqual(simulation.constraintForce[0], -100, accuracy: 1e-6)
        XCTAssertEqual(simulation.activeLimitCount, 1)
    }
}
