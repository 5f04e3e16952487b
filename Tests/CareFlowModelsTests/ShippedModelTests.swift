import CareFlowModels
import Foundation
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
    func reproducible(name: String) throws {
        let definition = ModelCatalog.definition(named: name)!
        let url = ShippedRetraining.shippedFile(name)
        if Self.updating {
            let retrained = Trainer.train(definition, data: data(name),
                                          options: TrainingOptions(seed: TrainingOptions.shippedSeed, trainedAt: Date()))
            try retrained.write(to: url)
            return
        }
        let shipped = try ModelFile.load(from: url)
        #expect(shipped.seed == TrainingOptions.shippedSeed && shipped.learner == definition.defaultLearner)
        // Retrained with the shipped file's `trained_at`, once for this test and ParityTests.
        let retrained = try ShippedRetraining.model(name)
        let shippedBytes = try Data(contentsOf: url)
        #expect(try retrained.encoded() == shippedBytes, "retraining \(name) with seed 42 did not reproduce \(url.lastPathComponent)")
    }
}
