import CareFlowModels
import Foundation
import Testing

@Suite("Datasets")
struct DatasetTests {
    @Test("each verified dataset loads with the row and positive counts of its README",
          arguments: [("health-risk", 4240, 644), ("diabetes", 768, 268), ("heart-disease", 303, 139),
                      ("readmission-30d", 101_766, 11_357)])
    func countsMatchReadme(model: String, rows: Int, positives: Int) {
        #expect(data(model).rowCount == rows)
        #expect(data(model).positives == positives)
    }

    @Test("Pima zeros that mean 'not measured' are read as missing")
    func pimaZerosAreMissing() throws {
        let pima = data("diabetes")
        let missing = zip(pima.features, pima.columns).reduce(into: [String: Int]()) { counts, pair in
            if case .numeric(let values) = pair.1 { counts[pair.0.name] = values.filter(\.isNaN).count }
        }
        #expect(missing == ["pregnancies": 0, "glucose": 5, "blood_pressure": 35, "skin_thickness": 227,
                            "insulin": 374, "bmi": 11, "diabetes_pedigree": 0, "age": 0])
    }

    @Test("Framingham NA cells and Cleveland empty cells are missing")
    func missingMarkers() {
        let cardiac = data("cardiac-risk")
        let glucose = cardiac.features.firstIndex { $0.name == "glucose" }!
        guard case .numeric(let values) = cardiac.columns[glucose] else { Issue.record("glucose is numeric"); return }
        #expect(values.filter(\.isNaN).count == 388)
        let heart = data("heart-disease")
        let thal = heart.features.firstIndex { $0.name == "thal" }!
        guard case .categorical(let levels) = heart.columns[thal] else { Issue.record("thal is categorical"); return }
        #expect(levels.filter { $0 == FeatureValue.missingCategory }.count == 2)
        #expect(Set(levels) == ["3", "6", "7", "missing"])
    }

    @Test("readmission rows are grouped by patient and ages read as bracket midpoints")
    func readmissionFeatures() {
        let readmission = data("readmission-30d")
        #expect(Set(readmission.groups!).count == 71_518)
        guard case .numeric(let ages) = readmission.columns[2] else { Issue.record("age is numeric"); return }
        #expect(Set(ages) == Set(stride(from: 5.0, through: 95, by: 10)))
    }

    @Test("a changed dataset file is refused, naming the file and both hashes")
    func changedFileIsRefused() throws {
        let directory = try temporaryDirectory("dataset")
        defer { try? FileManager.default.removeItem(at: directory) }
        // One changed value: the first patient's glucose 148 → 149. Same size, same row count.
        let original = try String(contentsOf: PackagePaths.datasets.appendingPathComponent("pima-diabetes.csv"), encoding: .utf8)
        let changed = original.replacingOccurrences(of: "6,148,72,35", with: "6,149,72,35")
        #expect(changed != original && changed.utf8.count == original.utf8.count)
        let bytes = Data(changed.utf8)
        let file = directory.appendingPathComponent("pima-diabetes.csv")
        try bytes.write(to: file)
        let store = DatasetStore(root: directory)
        let error = #expect(throws: DatasetError.self) { try store.load(DatasetCatalog.pima) }
        guard case .checksumMismatch(let named, let expected, let actual) = error else {
            Issue.record("expected a checksum mismatch, got \(String(describing: error))")
            return
        }
        #expect(named == file.path)
        #expect(expected == DatasetCatalog.pima.sha256)
        #expect(actual != expected && actual.count == 64)
        let message = error!.description
        #expect(message.contains(file.path) && message.contains(expected) && message.contains(actual))
    }

    @Test("a missing dataset file is reported, not crashed on")
    func missingFile() throws {
        let directory = try temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: DatasetError.self) { try DatasetStore(root: directory).load(DatasetCatalog.framingham) }
    }
}
