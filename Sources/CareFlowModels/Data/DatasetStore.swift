import Foundation

/// Reads verified datasets from a folder the caller chooses (the server passes its resources path).
public struct DatasetStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func load(_ dataset: DatasetDescriptor) throws(DatasetError) -> CSVTable {
        let url = root.appendingPathComponent(dataset.file)
        let raw: [UInt8]
        do {
            raw = [UInt8](try Data(contentsOf: url))
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        let actual = SHA256Hex.of(raw)
        guard actual == dataset.sha256 else {
            throw .checksumMismatch(file: url.path, expected: dataset.sha256, actual: actual)
        }
        var csvBytes = raw
        if let inflatedSHA256 = dataset.inflatedSHA256 {
            do {
                csvBytes = try GzipInflater.decompress(raw)
            } catch {
                throw .malformed(file: url.path, reason: error.description)
            }
            let inflatedActual = SHA256Hex.of(csvBytes)
            guard inflatedActual == inflatedSHA256 else {
                throw .checksumMismatch(file: url.path + " (inflated)", expected: inflatedSHA256, actual: inflatedActual)
            }
        }
        let table: CSVTable
        do {
            table = try CSVTable(bytes: csvBytes)
        } catch {
            throw .malformed(file: url.path, reason: "\(error)")
        }
        guard table.rowCount == dataset.rows else {
            throw .malformed(file: url.path, reason: "\(table.rowCount) data rows, expected \(dataset.rows)")
        }
        return table
    }
}

public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case checksumMismatch(file: String, expected: String, actual: String)
    case malformed(file: String, reason: String)
    case missingColumn(file: String, column: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "dataset \(file) cannot be read: \(reason)"
        case .checksumMismatch(let file, let expected, let actual):
            "dataset \(file) has changed: sha256 is \(actual) but the catalog expects \(expected); refusing to use it"
        case .malformed(let file, let reason):
            "dataset \(file) is malformed: \(reason)"
        case .missingColumn(let file, let column):
            "dataset \(file) has no column \(column)"
        }
    }
}
