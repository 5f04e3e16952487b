import Foundation

/// The databases every API test runs on. PostgreSQL joins when `CAREFLOW_TEST_DATABASE_URL`
/// is set (`.ci/run` always sets it); each test then gets its own schema.
enum TestBackend: String, CustomStringConvertible, Sendable, CaseIterable {
    case sqlite
    case postgres

    var description: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["CAREFLOW_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var enabled: [TestBackend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }
}
