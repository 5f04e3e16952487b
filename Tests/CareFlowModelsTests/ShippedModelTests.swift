import CareFlowModels
import Foundation
import ProcessSpawn
import Testing

/// The repository ships a trained model per catalogue entry (`Models/NAME@1.json`), trained with
/// seed 42. Retraining with that seed (and the file's own `trained_at`, which is an input of
/// training) must reproduce each file byte for byte.
///
/// To regenerate after a deliberate change: `CAREFLOW_UPDATE_SHIPPED_MODELS=1 swift test --filter ShippedModel`.
@Suite("Shipped models")
struct ShippedModelTests {
    static let updating = ProcessInfo.processInfo.environment["CAREFLOW_UPDATE_SHIPPED_MODELS"] == "1"

    @Test("retraining with the shipped seed reproduces the shipped file", arguments: ModelCatalog.all.map(\.name))
    func reproducible(name: String) async throws {
        let definition = ModelCatalog.definition(named: name)!
        let url = ShippedRetraining.shippedFile(name)
        // Training is seconds of CPU, done on a thread of its own: on the cooperative pool the
        // other tests share (two threads here), five cases at once stalled the run at its start.
        if Self.updating {
            try await offThePool {
                try Trainer.train(definition, data: data(name), options: TrainingOptions(seed: TrainingOptions.shippedSeed, trainedAt: Date()))
                    .write(to: url)
            }
            return
        }
        let shipped = try ModelFile.load(from: url)
        #expect(shipped.seed == TrainingOptions.shippedSeed && shipped.learner == definition.defaultLearner)
        // Retrained with the shipped file's `trained_at`, once for this test and ParityTests.
        let retrained = try await offThePool { try ShippedRetraining.model(name).encoded() }
        let shippedBytes = try Data(contentsOf: url)
        #expect(retrained == shippedBytes, "retraining \(name) with seed 42 did not reproduce \(url.lastPathComponent)")
    }
}
