/// One verified dataset file: where it lives under the datasets folder and the SHA-256 it must have.
public struct DatasetDescriptor: Sendable, Hashable, Codable {
    public let id: String
    /// Path relative to the datasets folder, e.g. `diabetes-130/diabetic_data.csv.gz`.
    public let file: String
    public let sha256: String
    /// For gzip files: the SHA-256 of the inflated CSV, checked as well.
    public let inflatedSHA256: String?
    public let rows: Int

    public init(id: String, file: String, sha256: String, inflatedSHA256: String? = nil, rows: Int) {
        self.id = id
        self.file = file
        self.sha256 = sha256
        self.inflatedSHA256 = inflatedSHA256
        self.rows = rows
    }
}
