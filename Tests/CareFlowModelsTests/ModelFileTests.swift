import CareFlowModels
import Foundation
import Testing

@Suite("Model files")
struct ModelFileTests {
    static let trainedAt = Date(timeIntervalSince1970: 1_790_000_000)

    private func train(_ name: String, seed: UInt64 = 42, learner: ModelDefinition.Learner? = nil) -> ModelFile {
        Trainer.train(ModelCatalog.definition(named: name)!, data: data(name),
                      options: TrainingOptions(learner: learner.map(LearnerSettings.defaults), seed: seed, trainedAt: Self.trainedAt))
    }

    @Test("the same seed gives a byte-identical model file; another seed does not",
          arguments: [("heart-disease", ModelDefinition.Learner.lr), ("diabetes", .gbt)])
    func determinism(name: String, learner: ModelDefinition.Learner) throws {
        let first = try train(name, learner: learner).encoded()
        let second = try train(name, learner: learner).encoded()
        #expect(first == second)
        #expect(try train(name, seed: 7, learner: learner).encoded() != first)
    }

    @Test("a file round-trips through disk")
    func roundTrip() throws {
        let model = train("heart-disease")
        let directory = try temporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(model.fileName)
        try model.write(to: url)
        #expect(try ModelFile.load(from: url) == model)
        #expect(model.fileName == "heart-disease@1.json")
        #expect(model.dataset.sha256 == DatasetCatalog.cleveland.sha256)
        #expect(model.seed == 42 && model.learner == .lr && model.trainedAt == "2026-09-21T14:13:20Z")
    }

    @Test("an edited coefficient is refused at load, naming the file")
    func tamperedFileIsRefused() throws {
        let model = train("heart-disease")
        let text = String(decoding: try model.encoded(), as: UTF8.self)
        let coefficient = model.logisticRegression!.coefficients[0]
        let tampered = text.replacingOccurrences(of: "\(coefficient)", with: "\(coefficient + 0.5)")
        #expect(tampered != text)
        let error = #expect(throws: ModelFileError.self) {
            try ModelFile.decode(Data(tampered.utf8), file: "/models/heart-disease@1.json")
        }
        guard case .checksumMismatch(let file, _, _) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(file == "/models/heart-disease@1.json")
        #expect(error!.description.contains("/models/heart-disease@1.json"))
    }

    @Test("a truncated file is refused as corrupt, naming the file")
    func corruptFileIsRefused() throws {
        let bytes = try train("heart-disease").encoded()
        let error = #expect(throws: ModelFileError.self) {
            try ModelFile.decode(bytes.prefix(bytes.count / 2), file: "/models/x@1.json")
        }
        #expect(error?.description.contains("/models/x@1.json") == true)
        if case .corrupt = error {} else { Issue.record("expected corrupt, got \(String(describing: error))") }
    }

    @Test("cross-validated metrics are recorded in the file")
    func metricsRecorded() {
        let metrics = train("heart-disease").metrics
        #expect(metrics.folds == 5 && metrics.rocAUCByFold.count == 5 && !metrics.groupedByPatient)
        #expect(metrics.rows == 303 && metrics.positives == 139)
        #expect(metrics.rocAUC > 0.85)
        #expect(metrics.calibration.map(\.count).reduce(0, +) == 303)
        #expect(metrics.sensitivity > 0.5 && metrics.specificity > 0.5)
        #expect(metrics.brier < 0.15)
    }
}

@Suite("Model directory and trainer")
struct ModelDirectoryTests {
    @Test("versions are listed, loaded by name@version and never overwritten")
    func versions() throws {
        let directory = ModelDirectory(url: try temporaryDirectory("models"))
        defer { try? FileManager.default.removeItem(at: directory.url) }
        #expect(try directory.nextVersion(of: "heart-disease") == 1)
        let trainer = Trainer(datasets: DatasetStore(root: PackagePaths.datasets))
        var events: [TrainingProgress] = []
        let first = try trainer.train(ModelCatalog.heartDisease, options: TrainingOptions(trainedAt: Date())) { events.append($0) }
        #expect(events.first == .datasetLoaded(rows: 303, positives: 139))
        #expect(events.contains(.fittingFinalModel))
        #expect(events.filter { if case .foldFinished = $0 { true } else { false } }.count == 5)
        try directory.save(first)
        let second = try trainer.train(ModelCatalog.heartDisease,
                                       options: TrainingOptions(learner: .defaults(for: .gbt), version: 2, trainedAt: Date()))
        try directory.save(second)
        #expect(try directory.versions(of: "heart-disease") == [1, 2])
        #expect(try directory.nextVersion(of: "heart-disease") == 3)
        #expect(try directory.load(name: "heart-disease", version: 2).learner == .gbt)
        #expect(throws: (any Error).self) { try directory.save(first) }
    }
}
