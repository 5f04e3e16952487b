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

    /// The role API tests' apps connect as on PostgreSQL, as in production: it may read and write
    /// rows but owns nothing, so row-level security holds for it; `postgresURL` (the owner)
    /// creates each test's schema and runs the migrations. `CAREFLOW_TEST_APP_DATABASE_URL`, or
    /// else `postgresURL` with the `careflow_app` role `.ci/start-postgres.sh` creates.
    static var postgresAppURL: String? {
        if let url = ProcessInfo.processInfo.environment["CAREFLOW_TEST_APP_DATABASE_URL"], !url.isEmpty { return url }
        guard let owner = postgresURL, var components = URLComponents(string: owner) else { return nil }
        components.user = "careflow_app"
        components.password = "careflow_app"
        return components.string
    }

    static var enabled: [TestBackend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }
}
