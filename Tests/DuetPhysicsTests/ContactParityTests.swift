import DuetPhysics
import XCTest

/// MuJoCo's `mj_forward` and one control step at the fixture records of the planar locomotion models
/// (`envs/reference/mujoco_contact_fixtures.py`: Hopper, HalfCheetah, Walker2d at states from random, biased and
/// bang-bang rollouts, most with contacts or joint limits active): the active contacts (count, distance, point),
/// the limit and constraint rows, q̈ and every force, and after the step the state and the constraint force of
/// the last RK4 stage.
///
/// Tolerance (simulator.md §4): relative 1e-8, relative to max(|value|, 1), against MuJoCo's constraint solver run
/// to convergence. A record is skipped where a contact or limit distance comes within 1e-7 of its activation
/// threshold (MuJoCo's distances at the substeps, or Duet's at every RK4 stage), because a row's force switches
/// on abruptly there and round-off decides whether it is on; the test prints the skip rate and holds it below
/// 10%.
final class ContactParityTests: XCTestCase {
    let tolerance = 1e-8
    let threshold = 1e-7
    let largestSkipRate = 0.1

    func testForwardWithContactsMatchesMuJoCo() throws {
        for name in MuJoCoFixture.contactNames {
            let fixture = try MuJoCoFixture.load(name)
            var simulation = try Simulation(contentsOfFile: MuJoCoFixture.modelPath(name))
            var worst = 0.0, skipped = 0, withContacts = 0
            for (index, record) in fixture.records.enumerated() {
                let context = "\(name) record \(index)"
                simulation.controls = record.ctrl
                simulation.setState(positions: record.qpos, velocities: record.qvel)
                if simulation.closestActivationClearance < threshold { skipped += 1; continue }
                let contacts = try XCTUnwrap(record.contacts, context)
                withContacts += contacts.isEmpty ? 0 : 1
                XCTAssertEqual(simulation.activeContactCount, contacts.count, context)
                XCTAssertEqual(simulation.activeLimitCount, record.nl, context)
                XCTAssertEqual(simulation.constraintRowCount, record.nefc, context)
                let errors = [
                    relativeError(simulation.accelerations, try XCTUnwrap(record.exact_qacc)),
                    relativeError(simulation.constraintForce, try XCTUnwrap(record.exact_qfrc_constraint)),
                    relativeError(simulation.biasForce, record.qfrc_bias),
                    relativeError(simulation.passiveForce, record.qfrc_passive),
                    relativeError(simulation.actuatorForce, record.qfrc_actuator),
                    relativeError(simulation.massMatrix, record.M),
                ]
                worst = max(worst, errors.max() ?? 0)
                XCTAssertLessThanOrEqual(errors.max() ?? .infinity, tolerance,
                                         "\(context): errors \(errors); qacc \(simulation.accelerations) vs \(record.exact_qacc ?? [])")
            }
            let rate = Double(skipped) / Double(fixture.records.count)
            print("\(name): mj_forward over \(fixture.records.count) records (\(withContacts) with contacts), "
                  + "largest relative error \(worst), skipped \(skipped) near a threshold (\(rate))")
            XCTAssertLessThanOrEqual(rate, largestSkipRate, name)
            XCTAssertGreaterThan(withContacts, fixture.records.count / 3, "\(name): too few records with contacts")
        }
    }

    func testOneControlStepWithContactsMatchesMuJoCo() throws {
        for name in MuJoCoFixture.contactNames {
            let fixture = try MuJoCoFixture.load(name)
            var simulation = try Simulation(contentsOfFile: MuJoCoFixture.modelPath(name))
            var worst = 0.0, worstDefault = 0.0, skipped = 0
            for (index, record) in fixture.records.enumerated() {
                let context = "\(name) record \(index)"
                simulation.controls = record.ctrl
                simulation.setState(positions: record.qpos, velocities: record.qvel)
                simulation.step(frames: fixture.frame_skip)
                if min(simulation.closestActivationClearance, record.limit_clearance) < threshold {
                    skipped += 1
                    continue
                }
                let errors = [
                    relativeError(simulation.positions, record.exact_step_qpos),
                    relativeError(simulation.velocities, record.exact_step_qvel),
                    relativeError(simulation.constraintForce, record.exact_step_qfrc_constraint),
                ]
                worstDefault = max(worstDefault, relativeError(simulation.positions + simulation.velocities,
                                                               record.step_qpos + record.step_qvel))
                worst = max(worst, errors.max() ?? 0)
                XCTAssertLessThanOrEqual(errors.max() ?? .infinity, tolerance,
                                         "\(context): errors \(errors); qvel \(simulation.velocities) vs \(record.exact_step_qvel)")
            }
            let rate = Double(skipped) / Double(fixture.records.count)
            print("\(name): one control step over \(fixture.records.count) records, largest relative error \(worst) "
                  + "(against MuJoCo with its default solver tolerance: \(worstDefault)), skipped \(skipped) near a "
                  + "threshold (\(rate))")
            XCTAssertLessThanOrEqual(rate, largestSkipRate, name)
        }
    }
}
