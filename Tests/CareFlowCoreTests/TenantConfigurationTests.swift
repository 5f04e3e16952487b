import Foundation
import Testing
@testable import CareFlowCore

@Suite("Tenant configuration (tenants/<slug>.yaml)")
struct TenantConfigurationTests {
    static let file = "tenants/kigali-health.yaml"

    /// The example of PRODUCT.md §4, verbatim.
    static let productExample = """
        slug: kigali-health
        name: Kigali Health Group
        timezone: Africa/Kigali
        currency: rwf
        mfa_required_for: [group_admin, facility_admin, doctor]
        patient_self_signup: true
        integrations:
          payments: {adapter: stripe, secret_key: env:KH_STRIPE_KEY, webhook_secret: env:KH_STRIPE_WHSEC}
          sms:      {adapter: twilio, account_sid: env:KH_TWILIO_SID, auth_token: env:KH_TWILIO_TOKEN, from: "+250700000000"}
          email:    {adapter: sendgrid, api_key: env:KH_SENDGRID_KEY, from: care@kigali-health.example}
          push:     {adapter: fcm, service_account: file:/run/secrets/kh-fcm.json}
          llm:      {adapter: groq, api_key: env:KH_GROQ_KEY, model: llama-3.3-70b-versatile}
        """

    static let minimal = """
        slug: kigali-health
        name: Kigali Health Group
        timezone: Africa/Kigali
        """

    /// The errors `parse` reports for a file (none when it parses).
    func errors(_ yaml: String, file: String = Self.file) -> [TenantConfigurationError] {
        do {
            _ = try TenantConfigurationLoader.parse(yaml: yaml, fileName: file)
            return []
        } catch let error as TenantConfigurationErrors {
            return error.errors
        } catch {
            Issue.record("unexpected error type: \(error)")
            return []
        }
    }

    /// The errors for the minimal file plus `extra` lines.
    func errors(adding extra: String) -> [TenantConfigurationError] {
        errors(Self.minimal + "\n" + extra)
    }

    func fields(_ errors: [TenantConfigurationError]) -> [String] { errors.map(\.field) }

    // MARK: - Valid files

    @Test func productExampleParses() throws {
        let config = try TenantConfigurationLoader.parse(yaml: Self.productExample, fileName: Self.file)
        #expect(config.slug == "kigali-health")
        #expect(config.name == "Kigali Health Group")
        #expect(config.timezone == "Africa/Kigali")
        #expect(config.currency == "rwf")
        #expect(config.mfaRequiredFor == [.groupAdmin, .facilityAdmin, .doctor])
        #expect(config.patientSelfSignup == true)
        #expect(config.demo == false)
        #expect(config.facilities.isEmpty)

        #expect(config.integrations.count == Capability.allCases.count)
        #expect(config.integrations[.payments] == IntegrationSettings(adapter: "stripe", settings: [
            "secret_key": .secret(.env("KH_STRIPE_KEY")),
            "webhook_secret": .secret(.env("KH_STRIPE_WHSEC")),
        ]))
        #expect(config.integrations[.sms] == IntegrationSettings(adapter: "twilio", settings: [
            "account_sid": .secret(.env("KH_TWILIO_SID")),
            "auth_token": .secret(.env("KH_TWILIO_TOKEN")),
            "from": .plain("+250700000000"),
        ]))
        #expect(config.integrations[.email] == IntegrationSettings(adapter: "sendgrid", settings: [
            "api_key": .secret(.env("KH_SENDGRID_KEY")),
            "from": .plain("care@kigali-health.example"),
        ]))
        #expect(config.integrations[.push] == IntegrationSettings(adapter: "fcm", settings: [
            "service_account": .secret(.file("/run/secrets/kh-fcm.json")),
        ]))
        #expect(config.integrations[.llm] == IntegrationSettings(adapter: "groq", settings: [
            "api_key": .secret(.env("KH_GROQ_KEY")),
            "model": .plain("llama-3.3-70b-versatile"),
        ]))
    }

    @Test func defaultsApplyWhenFieldsAreAbsent() throws {
        let config = try TenantConfigurationLoader.parse(yaml: Self.minimal, fileName: "kigali-health.yml")
        #expect(config.currency == "usd")
        #expect(config.mfaRequiredFor.isEmpty)
        #expect(config.patientSelfSignup == false)
        #expect(config.demo == false)
        #expect(config.facilities.isEmpty)
        for capability in Capability.allCases {
            #expect(config.integrations[capability] == .console)
            #expect(config.integration(for: capability) == .console)
        }
    }

    @Test func facilitiesDemoAndOtherAdapters() throws {
        let config = try TenantConfigurationLoader.parse(yaml: Self.minimal + """

            demo: true
            mfa_required_for: [nurse, patient]
            facilities:
              - {code: kgl-central, name: Kigali Central Hospital}
              - code: musanze
                name: Musanze Clinic
                timezone: Africa/Kigali
            integrations:
              payments: none
              sms: {adapter: console}
              email: {adapter: smtp, host: smtp.example.org, port: 587, from: care@example.org, username: care, password: file:/run/secrets/smtp}
              llm: {adapter: openai, api_key: env:OPENAI_API_KEY, model: gpt-4o-mini, base_url: "https://eu.api.openai.example/v1"}
              push: {adapter: fcm, service_account: env:FCM_JSON, base_url: http://localhost:8089}
            """, fileName: Self.file, policy: TenantSecretPolicy(allowLoopbackAdapters: true))  // a local fake: the operator's opt-in
        #expect(config.demo)
        #expect(config.mfaRequiredFor == [.nurse, .patient])
        #expect(config.facilities == [
            FacilitySeed(code: "kgl-central", name: "Kigali Central Hospital"),
            FacilitySeed(code: "musanze", name: "Musanze Clinic", timezone: "Africa/Kigali"),
        ])
        #expect(config.integrations[.payments] == .disabled)
        #expect(config.integrations[.sms] == .console)
        #expect(config.integrations[.email]?.adapter == "smtp")
        #expect(config.integrations[.email]?["port"] == .plain("587"))
        #expect(config.integrations[.email]?["password"] == .secret(.file("/run/secrets/smtp")))
        #expect(config.integrations[.llm]?["base_url"] == .plain("https://eu.api.openai.example/v1"))
        #expect(config.integrations[.push]?["service_account"] == .secret(.env("FCM_JSON")))
    }

    @Test func plainAccountSidIsAllowed() throws {
        let config = try TenantConfigurationLoader.parse(yaml: Self.minimal + """

            integrations:
              sms: {adapter: twilio, account_sid: AC0123456789abcdef, auth_token: env:TW_TOKEN, from: +250788000000}
            """, fileName: Self.file)
        #expect(config.integrations[.sms]?["account_sid"] == .plain("AC0123456789abcdef"))
        // An unquoted +250… is a YAML integer; its literal text is kept.
        #expect(config.integrations[.sms]?["from"] == .plain("+250788000000"))
    }

    @Test func secretReferenceSyntax() {
        #expect(SecretReference(parsing: "env:KH_KEY") == .env("KH_KEY"))
        #expect(SecretReference(parsing: "env:_X1") == .env("_X1"))
        #expect(SecretReference(parsing: "file:/run/secrets/x.json") == .file("/run/secrets/x.json"))
        #expect(SecretReference(parsing: "env:kh_key") == nil)
        #expect(SecretReference(parsing: "env:1KEY") == nil)
        #expect(SecretReference(parsing: "env:") == nil)
        #expect(SecretReference(parsing: "file:relative/path") == nil)
        #expect(SecretReference(parsing: "file:/") == nil)
        #expect(SecretReference(parsing: "file:/run/../etc/shadow") == nil)
        #expect(SecretReference(parsing: "sk_live_123") == nil)
        #expect(SecretReference.env("A").description == "env:A")
        #expect(SecretReference.file("/a").description == "file:/a")
    }

    // MARK: - Error reporting

    @Test func errorDescriptionNamesFileFieldAndReason() {
        let found = errors(adding: """
            integrations:
              sms: {adapter: twillio}
            """)
        #expect(found.map(\.description) == [
            "tenants/kigali-health.yaml: integrations.sms.adapter: unknown adapter 'twillio' (expected one of: twilio, console, none)",
        ])
        #expect(found.first?.line == 5)
    }

    @Test func unknownTopLevelKey() {
        let found = errors(adding: "patient_selfsignup: true")
        #expect(fields(found) == ["patient_selfsignup"])
        #expect(found.first?.reason.hasPrefix("unknown field") == true)
    }

    @Test func requiredTopLevelFields() {
        let found = errors("currency: usd", file: Self.file)
        #expect(Set(fields(found)) == ["slug", "name", "timezone"])
        #expect(found.allSatisfy { $0.reason == "required" })
    }

    @Test(arguments: ["Kigali-Health", "-kigali", "k", "kigali_health", "kigali health"])
    func invalidSlug(slug: String) {
        let found = errors("slug: \"\(slug)\"\nname: X\ntimezone: UTC", file: "tenants/\(slug).yaml")
        #expect(fields(found) == ["slug"])
        #expect(found.first?.reason.hasPrefix("invalid slug") == true)
    }

    @Test func slugMustMatchFileName() {
        let found = errors(Self.minimal, file: "tenants/kigali.yaml")
        #expect(fields(found) == ["slug"])
        #expect(found.first?.reason == "slug 'kigali-health' does not match the file name (expected 'kigali')")
    }

    @Test func emptyName() {
        let found = errors("slug: kigali-health\nname: \"  \"\ntimezone: UTC")
        #expect(fields(found) == ["name"])
        #expect(found.first?.reason == "must not be empty")
    }

    @Test func invalidTimezone() {
        let found = errors("slug: kigali-health\nname: X\ntimezone: Africa/Kigalli")
        #expect(fields(found) == ["timezone"])
        #expect(found.first?.reason.contains("Africa/Kigalli") == true)
    }

    @Test(arguments: ["RWF", "rw", "usdollar", "12a"])
    func invalidCurrency(currency: String) {
        let found = errors(adding: "currency: \"\(currency)\"")
        #expect(fields(found) == ["currency"])
    }

    @Test func mfaRoles() {
        let found = errors(adding: "mfa_required_for: [doctor, platform_admin, docter, doctor]")
        #expect(found.map(\.field) == ["mfa_required_for[1]", "mfa_required_for[2]", "mfa_required_for[3]"])
        #expect(found[0].reason == "platform_admin is not a tenant role")
        #expect(found[1].reason.hasPrefix("unknown role 'docter'"))
        #expect(found[2].reason == "duplicate role 'doctor'")
    }

    @Test func wrongYAMLTypesAreNamed() {
        let found = errors(adding: """
            patient_self_signup: "yes"
            demo: [true]
            mfa_required_for: doctor
            facilities: {code: a}
            integrations: [payments]
            """)
        #expect(fields(found) == ["patient_self_signup", "demo", "mfa_required_for", "facilities", "integrations"])
        #expect(found[0].reason == "expected true or false, got a string")
        #expect(found[1].reason == "expected true or false, got a list")
        #expect(found[2].reason == "expected a list of role names, got a string")
        #expect(found[3].reason.hasSuffix("got a mapping"))
        #expect(found[4].reason.hasSuffix("got a list"))
    }

    @Test func nameMustBeAString() {
        let found = errors("slug: kigali-health\nname: [a, b]\ntimezone: yes")
        #expect(fields(found) == ["name", "timezone"])
        #expect(found[0].reason == "expected a string, got a list")
        #expect(found[1].reason.hasPrefix("expected a string, got a boolean"))
    }

    @Test func facilityErrors() {
        let found = errors(adding: """
            facilities:
              - {code: central, name: Central}
              - {code: Central_2, name: Second}
              - {code: central, name: Third, timezone: Mars/Olympus}
              - {code: north, floor: 2}
              - just-a-string
            """)
        #expect(fields(found) == [
            "facilities[1].code",
            "facilities[2].code",
            "facilities[2].timezone",
            "facilities[3].floor",
            "facilities[3].name",
            "facilities[4]",
        ])
        #expect(found[1].reason == "duplicate facility code 'central' (already used by facilities[0])")
        #expect(found[4].reason == "required")
    }

    @Test func integrationStructureErrors() {
        let found = errors(adding: """
            integrations:
              fax: {adapter: console}
              payments: {secret_key: env:X}
              sms: [twilio]
              email: {adapter: stripe}
              push: {adapter: true}
            """)
        #expect(fields(found) == [
            "integrations.fax",
            "integrations.payments.adapter",
            "integrations.sms",
            "integrations.email.adapter",
            "integrations.push.adapter",
        ])
        #expect(found[0].reason.hasPrefix("unknown capability 'fax'"))
        #expect(found[3].reason == "unknown adapter 'stripe' (expected one of: sendgrid, smtp, console, none)")
    }

    @Test func secretsMustBeReferences() {
        let found = errors(adding: """
            integrations:
              payments: {adapter: stripe, secret_key: sk_live_51Hsupersecret, webhook_secret: env:KH_WHSEC}
              llm: {adapter: openai, api_key: 12345, model: gpt-4o}
            """)
        #expect(fields(found) == ["integrations.payments.secret_key", "integrations.llm.api_key"])
        #expect(found[0].reason == "secrets must be references (env:NAME or file:/path), never values")
        #expect(found[1].reason == "secrets must be references (env:NAME or file:/path), never values")
        // A secret value is never echoed back.
        let text = found.map(\.description).joined(separator: "\n")
        #expect(!text.contains("sk_live"))
        #expect(!text.contains("12345"))
    }

    @Test func invalidSecretReferences() {
        let found = errors(adding: """
            integrations:
              payments: {adapter: stripe, secret_key: env:kh-stripe, webhook_secret: file:secrets/whsec}
              sms: {adapter: twilio, account_sid: env:lower, auth_token: env:T, from: "+250700000000"}
            """)
        #expect(fields(found) == [
            "integrations.payments.secret_key",
            "integrations.payments.webhook_secret",
            "integrations.sms.account_sid",
        ])
        #expect(found.allSatisfy { $0.reason.hasPrefix("invalid secret reference") })
        #expect(!found[0].reason.contains("kh-stripe"))
    }

    @Test func adapterFieldErrors() {
        let found = errors(adding: """
            integrations:
              payments: {adapter: stripe, secret_kye: env:A, webhook_secret: env:B}
              sms: {adapter: twilio, account_sid: AC1, auth_token: env:T, from: "0788000000"}
              email: {adapter: sendgrid, api_key: env:K, from: not-an-email, base_url: "ftp://example.org"}
              push: {adapter: console, base_url: "https://x.example"}
              llm: {adapter: groq, api_key: env:G, model: "", base_url: "https://user:pw@groq.example"}
            """)
        #expect(fields(found) == [
            "integrations.payments.secret_kye",
            "integrations.payments.secret_key",
            "integrations.sms.from",
            "integrations.email.from",
            "integrations.email.base_url",
            "integrations.push.base_url",
            "integrations.llm.model",
            "integrations.llm.base_url",
        ])
        #expect(found[0].reason == "unknown field for adapter 'stripe' (expected one of: secret_key, webhook_secret, base_url)")
        #expect(found[1].reason == "required for adapter 'stripe'")
        #expect(found[2].reason.contains("E.164"))
        #expect(found[5].reason.contains("takes no settings"))
        #expect(found[7].reason == "the URL must not embed credentials")
    }

    @Test func requiredAdapterFields() {
        let found = errors(adding: """
            integrations:
              sms: {adapter: twilio}
              email: {adapter: smtp, from: a@b.example, port: 70000}
              llm: openai
            """)
        #expect(fields(found) == [
            "integrations.sms.account_sid",
            "integrations.sms.auth_token",
            "integrations.sms.from",
            "integrations.email.port",
            "integrations.email.host",
            "integrations.llm",
        ])
    }

    @Test func duplicateKeys() {
        let found = errors(adding: "currency: usd\ncurrency: rwf")
        #expect(fields(found) == ["currency"])
        #expect(found.first?.reason == "duplicate key")
    }

    @Test func allErrorsOfAFileAreReported() {
        let yaml = """
            slug: kigali-health
            name: ""
            timezone: Nowhere/City
            currency: RWF
            mfa_required_for: [platform_admin]
            patient_self_signup: "yes"
            colour: blue
            facilities:
              - {code: X, name: Bad}
            integrations:
              sms: {adapter: twillio}
              payments: {adapter: stripe, secret_key: sk_test_abc, webhook_secret: env:W}
            """
        let found = errors(yaml)
        #expect(fields(found) == [
            "name", "timezone", "currency", "mfa_required_for[0]", "patient_self_signup", "colour",
            "facilities[0].code", "integrations.sms.adapter", "integrations.payments.secret_key",
        ])
        do {
            _ = try TenantConfigurationLoader.parse(yaml: yaml, fileName: Self.file)
            Issue.record("expected errors")
        } catch {
            let lines = String(describing: error).split(separator: "\n")
            #expect(lines.count == 9)
            #expect(lines.allSatisfy { $0.hasPrefix("tenants/kigali-health.yaml: ") })
        }
    }

    @Test func yamlSyntaxErrorNamesFileAndLine() {
        let found = errors("slug: kigali-health\nname: X\ntimezone: UTC\nintegrations:\n  sms: {adapter: console\n")
        #expect(found.count == 1)
        #expect(found.first?.file == Self.file)
        #expect(found.first?.line != nil)
        #expect(found.first?.reason.hasPrefix("invalid YAML at line") == true)
        #expect(found.first?.description.hasPrefix("tenants/kigali-health.yaml: invalid YAML at line") == true)

        let tab = errors("slug: kigali-health\nname: X\n\ttimezone: UTC\n")
        #expect(tab.first?.line == 3)
    }

    @Test func emptyAndNonMappingFiles() {
        #expect(errors("").map(\.reason) == ["the file is empty"])
        #expect(errors("- a\n- b").map(\.reason) == ["expected a mapping of tenant settings, got a list"])
    }

    // MARK: - Rendering

    @Test func renderRoundTripsTheProductExample() throws {
        let config = try TenantConfigurationLoader.parse(yaml: Self.productExample, fileName: Self.file)
        let rendered = TenantConfigurationLoader.render(config)
        #expect(try TenantConfigurationLoader.parse(yaml: rendered, fileName: Self.file) == config)
    }

    @Test func renderRoundTripsAwkwardValues() throws {
        let config = TenantConfiguration(
            slug: "yes",
            name: "Hôpital «Saint-Jean»: #1, 'quoted' \"double\"",
            timezone: "America/Argentina/Buenos_Aires",
            currency: "eur",
            mfaRequiredFor: [.doctor, .nurse, .receptionist, .billing, .patient],
            patientSelfSignup: true,
            demo: true,
            facilities: [
                FacilitySeed(code: "123", name: "null"),
                FacilitySeed(code: "on", name: "true", timezone: "Europe/Paris"),
            ],
            integrations: [
                .payments: IntegrationSettings(adapter: "stripe", settings: [
                    "secret_key": .secret(.env("STRIPE_KEY")),
                    "webhook_secret": .secret(.file("/run/secrets/whsec")),
                    "base_url": .plain("http://127.0.0.1:12111"),
                ]),
                .email: IntegrationSettings(adapter: "smtp", settings: [
                    "host": .plain("mail.example.org"), "port": .plain("25"), "from": .plain("no-reply@example.org"),
                ]),
                .llm: .disabled,
            ])
        let rendered = TenantConfigurationLoader.render(config)
        #expect(try TenantConfigurationLoader.parse(yaml: rendered, fileName: "tenants/yes.yaml",
                                                    policy: TenantSecretPolicy(allowLoopbackAdapters: true)) == config)
    }

    @Test func renderOfANewTenantUsesConsoleAdapters() throws {
        let config = TenantConfiguration(slug: "new-clinic", name: "New Clinic", timezone: "UTC")
        let rendered = TenantConfigurationLoader.render(config)
        #expect(rendered.contains("payments: {adapter: console}"))
        #expect(rendered.contains("llm: {adapter: console}"))
        let parsed = try TenantConfigurationLoader.parse(yaml: rendered, fileName: "new-clinic.yaml")
        #expect(parsed == config)
        #expect(parsed.integrations.values.allSatisfy { $0 == .console })
    }

    // MARK: - Directory loading

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("careflow-tenants-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, _ name: String, in directory: URL) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func loadDirectorySortsBySlugAndRejectsDuplicateSlugs() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write(Self.productExample, "kigali-health.yaml", in: directory)
        try write("slug: butare\nname: Butare Clinics\ntimezone: Africa/Kigali\n", "butare.yml", in: directory)
        try write("not yaml: [", "README.md", in: directory)
        try write("not yaml: [", ".kigali-health.yaml.swp", in: directory)

        let loaded = try TenantConfigurationLoader.loadDirectory(directory.path)
        #expect(loaded.map(\.slug) == ["butare", "kigali-health"])

        try write(Self.minimal, "kigali-health.yml", in: directory)
        do {
            _ = try TenantConfigurationLoader.loadDirectory(directory.path)
            Issue.record("a duplicate slug must be refused")
        } catch let error as TenantConfigurationErrors {
            #expect(error.errors.count == 1)
            let duplicate = try #require(error.errors.first)
            #expect(duplicate.field == "slug")
            #expect(duplicate.file == directory.path + "/kigali-health.yml")
            #expect(duplicate.reason == "duplicate slug 'kigali-health' (already defined in \(directory.path)/kigali-health.yaml)")
        }
    }

    @Test func loadDirectoryReportsErrorsOfEveryFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try write("slug: a1\nname: A\ntimezone: UTC\ndemo: maybe\n", "a1.yaml", in: directory)
        try write("slug: b1\nname: B\ntimezone: [\n", "b1.yaml", in: directory)
        do {
            _ = try TenantConfigurationLoader.loadDirectory(directory.path + "/")
            Issue.record("expected errors")
        } catch let error as TenantConfigurationErrors {
            #expect(error.errors.map(\.file) == [directory.path + "/a1.yaml", directory.path + "/b1.yaml"])
            #expect(error.errors[0].field == "demo")
            #expect(error.errors[1].reason.hasPrefix("invalid YAML at line"))
        }
    }

    @Test func loadDirectoryOfAMissingDirectory() {
        #expect(throws: TenantConfigurationErrors.self) {
            try TenantConfigurationLoader.loadDirectory("/nonexistent/careflow/tenants")
        }
    }
}
