import Foundation
import Testing
@testable import CareFlowCore

/// Issue 12, point 1: the core knows capabilities, not providers; which adapter names a tenant
/// file may use, and their settings, is what the installed plugins declare.
@Suite("Plugins drive the tenant-file validation; the core names no provider")
struct PluginCatalogTests {
    /// A provider the core has never heard of, declared the way a plugin declares one.
    static let vonage = AdapterCatalog.Entry(
        name: "vonage", capabilities: [.sms],
        settings: SettingsSchema([SettingField("from", .e164), SettingField("api_key", .text), SettingField("api_secret", .secret)]))
    static let consoleAndNone = ["console", "none"].map { AdapterCatalog.Entry(name: $0, capabilities: Capability.allCases, settings: .empty) }

    static func tenant(sms: String) -> String {
        "slug: kigali-health\nname: Kigali Health\ntimezone: Africa/Kigali\nintegrations:\n  sms: \(sms)\n"
    }

    static func problems(_ yaml: String, _ catalog: AdapterCatalog) -> [String] {
        switch TenantConfigurationLoader.parseCollectingErrors(yaml: yaml, fileName: "tenants/kigali-health.yaml", adapters: catalog) {
        case .success: []
        case .failure(let errors): errors.errors.map(\.description)
        }
    }

    @Test("A new provider's adapter is accepted, and its settings checked, once its plugin declares it")
    func newProviderFromItsDescriptor() throws {
        let yaml = Self.tenant(sms: #"{adapter: vonage, api_key: k1, api_secret: env:KH_VONAGE_SECRET, from: "+250700000000"}"#)
        let without = AdapterCatalog(Self.consoleAndNone)
        #expect(Self.problems(yaml, without) == [
            "tenants/kigali-health.yaml: integrations.sms.adapter: unknown adapter 'vonage' (expected one of: console, none)",
        ])

        let with = AdapterCatalog([Self.vonage] + Self.consoleAndNone)
        let config = try TenantConfigurationLoader.parse(yaml: yaml, fileName: "tenants/kigali-health.yaml", adapters: with)
        #expect(config.integration(for: .sms) == IntegrationSettings(adapter: "vonage", settings: [
            "api_key": .plain("k1"), "api_secret": .secret(.env("KH_VONAGE_SECRET")), "from": .plain("+250700000000"),
        ]))
        // Its schema, not another provider's, decides what is required, secret and well-formed.
        #expect(Self.problems(Self.tenant(sms: #"{adapter: vonage, api_key: k1, api_secret: s3cr3t, from: "0788", region: eu}"#), with) == [
            "tenants/kigali-health.yaml: integrations.sms.api_secret: secrets must be references (env:NAME or file:/path), never values",
            "tenants/kigali-health.yaml: integrations.sms.from: invalid phone number '0788' (expected E.164, e.g. +250700000000)",
            "tenants/kigali-health.yaml: integrations.sms.region: unknown field for adapter 'vonage' (expected one of: from, api_key, api_secret)",
        ])
        // Declared for SMS only.
        #expect(Self.problems("slug: kigali-health\nname: K\ntimezone: UTC\nintegrations:\n  email: {adapter: vonage}\n", with) == [
            "tenants/kigali-health.yaml: integrations.email.adapter: unknown adapter 'vonage' (expected one of: console, none)",
        ])
        // Rendering writes its settings in the order it declares them.
        #expect(TenantConfigurationLoader.render(config, adapters: with).contains(
            #"sms: {adapter: vonage, from: "+250700000000", api_key: k1, api_secret: 'env:KH_VONAGE_SECRET'}"#))
    }

    @Test("No provider is named anywhere in Sources/CareFlowCore, comments included")
    func coreNamesNoProvider() throws {
        let core = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/CareFlowCore").standardizedFileURL
        let files = try #require(FileManager.default.enumerator(at: core, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8).lowercased()
            for provider in ["stripe", "twilio", "sendgrid"] where text.contains(provider) {
                Issue.record("\(file.path) names \(provider)")
            }
        }
    }
}
