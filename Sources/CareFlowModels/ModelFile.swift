import Foundation
import Synchronization

/// A trained model as stored under `$CAREFLOW_DATA_DIR/models/NAME@VERSION.json`: everything
/// needed to predict and to audit how the model was made.
///
/// On disk it is `{"checksum": "sha256:…", "model": {…}}`; the checksum covers the model's
/// canonical JSON (sorted keys), so a corrupt or edited file is refused at load.
public struct ModelFile: Sendable, Codable, Equatable {
    public static let currentFormat = 1

    public struct DatasetReference: Sendable, Codable, Equatable {
        public let id: String
        public let file: String
        public let sha256: String
        public let rows: Int
        public let positives: Int
    }

    public struct LearnerParameters: Sendable, Codable, Equatable {
        public let logisticRegression: LogisticRegression.Parameters?
        public let gradientBoosting: GradientBoostedTrees.Parameters?
    }

    public let format: Int
    public let name: String
    public let title: String
    public let version: Int
    public let learner: ModelDefinition.Learner
    public let seed: UInt64
    /// ISO 8601. An input of training, not a result: the trainer is given it, so retraining with
    /// the same seed and the same `trainedAt` reproduces the file byte for byte.
    public let trainedAt: String
    public let dataset: DatasetReference
    public let target: TargetSpec
    public let features: [FeatureSpec]
    public let preprocessing: Preprocessor
    public let learnerParameters: LearnerParameters
    public let logisticRegression: LogisticRegression?
    public let gradientBoosting: GradientBoostedTrees?
    public let calibration: PlattScaling
    public let metrics: EvaluationReport

    public var fileName: String { "\(name)@\(version).json" }

    public var fittedLearner: FittedLearner? {
        if let logisticRegression { return .logisticRegression(logisticRegression) }
        if let gradientBoosting { return .gradientBoosting(gradientBoosting) }
        return nil
    }

    private struct Envelope: Codable {
        let checksum: String
        let model: ModelFile
    }

    private static func canonicalEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    static func checksum(of model: ModelFile) throws -> String {
        "sha256:" + SHA256Hex.of(try canonicalEncoder().encode(model))
    }

    /// The file's bytes, checksum included.
    public func encoded() throws -> Data {
        var data = try Self.canonicalEncoder().encode(Envelope(checksum: try Self.checksum(of: self), model: self))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }

    public static func load(from url: URL) throws(ModelFileError) -> ModelFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    /// Files verified in this process, by their exact bytes. The same bytes decode to the same
    /// model, so loading them again (every reload; in the tests, every app boot) skips decoding
    /// and re-encoding; bytes that differ in any way are verified afresh, and only files that
    /// passed are kept.
    private static let verified = Mutex<[Data: ModelFile]>([:])

    /// Decodes and verifies file bytes; `file` names the file in errors.
    public static func decode(_ data: Data, file: String) throws(ModelFileError) -> ModelFile {
        if let known = verified.withLock({ $0[data] }) { return known }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw .corrupt(file: file, reason: "not a model file: \(error)")
        }
        guard envelope.model.format == currentFormat else {
            throw .unsupportedFormat(file: file, format: envelope.model.format)
        }
        let actual: String
        do {
            actual = try checksum(of: envelope.model)
        } catch {
            throw .corrupt(file: file, reason: "cannot re-encode: \(error)")
        }
        guard actual == envelope.checksum else {
            throw .checksumMismatch(file: file, recorded: envelope.checksum, actual: actual)
        }
        let model = envelope.model
        guard (model.logisticRegression == nil) != (model.gradientBoosting == nil) else {
            throw .corrupt(file: file, reason: "model file must hold exactly one learner")
        }
        verified.withLock { $0[data] = model }
        return model
    }
}

public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case corrupt(file: String, reason: String)
    case unsupportedFormat(file: String, format: Int)
    case checksumMismatch(file: String, recorded: String, actual: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "model file \(file) cannot be read: \(reason)"
        case .corrupt(let file, let reason): "model file \(file) is corrupt: \(reason)"
        case .unsupportedFormat(let file, let format):
            "model file \(file) has format \(format); this build reads format \(ModelFile.currentFormat)"
        case .checksumMismatch(let file, let recorded, let actual):
            "model file \(file) was modified or corrupted: its checksum is \(recorded) but its content hashes to \(actual); refusing to load it"
        }
    }
}
