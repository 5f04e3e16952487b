@testable import CareFlowAPI
import Foundation

/// bcrypt's minimum cost; production's is 12 (`AppConfiguration.fromEnvironment`).
let testBcryptCost = 4

/// The configuration every test app starts from, whether it serves a test or migrates the
/// template database the tests copy (`TemplateDatabase`).
func testConfiguration(dataDirectory dir: String, tenantsDirectory: String,
                       database: AppConfiguration.DatabaseKind) -> AppConfiguration {
    var config = AppConfiguration(
        dataDirectory: dir, tenantsDirectory: tenantsDirectory, database: database, publicURL: "http://careflow.test",
        bcryptCost: testBcryptCost, maxBodySize: "64kb", signingKeyFromEnvironment: nil, logLevel: .warning, jsonLogs: false)
    // In-memory requests have no client address: they would all share one rate-limit bucket.
    config.authRequestsPerMinute = 100_000
    config.throttle.ipThreshold = 10_000
    // Adapter tests call local fakes on 127.0.0.1, which production refuses by default.
    config.allowLoopbackAdapters = true
    // Hundreds of apps share two cores during a full run: an audit batch can wait far longer than
    // in production. The bound itself is tested in `AuditChainHoldTests` and the cluster test.
    config.auditWriteLimit = 300
    // Likewise `/ready`'s probe: its bound is tested with explicit timeouts (`ReadinessTests`).
    config.readyTimeout = 30
    // The repository's shipped models, whatever the working directory of the test run.
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    config.shippedModelsDirectory = packageRoot.appendingPathComponent("Models").path
    config.datasetsDirectory = packageRoot.appendingPathComponent("Resources/datasets").path
    // The console's templates and stylesheet.
    config.resourcesDirectory = packageRoot.appendingPathComponent("Resources").path
    return config
}

/// A fresh folder for one test's (or the template's) data, tenant files written into its
/// `tenants/` folder.
func makeTestDataDirectory(prefix: String = "careflow-test", tenantFiles: [String: String] = [:]) throws
    -> (data: String, tenants: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    let tenantsDir = (dir as NSString).appendingPathComponent("tenants")
    try FileManager.default.createDirectory(atPath: tenantsDir, withIntermediateDirectories: true)
    for (name, yaml) in tenantFiles {
        try yaml.write(toFile: (tenantsDir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return (dir, tenantsDir)
}
