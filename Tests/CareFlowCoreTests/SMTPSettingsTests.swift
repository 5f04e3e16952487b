import Foundation
import Testing
@testable import CareFlowCore

/// `integrations.email: {adapter: smtp, …}` in a tenant file: checked when the file loads, like
/// every other adapter's settings (a server, a port, a sender; the password only as a reference).
@Suite("Tenant file: the smtp email adapter's settings")
struct SMTPSettingsTests {
    static let file = "tenants/mail.yaml"
    static let head = """
        slug: mail
        name: Mail
        timezone: UTC
        integrations:

        """

    func parse(_ email: String) throws -> TenantConfiguration {
        try TenantConfigurationLoader.parse(yaml: Self.head + "  email: " + email, fileName: Self.file)
    }

    func errors(_ email: String) -> [TenantConfigurationError] {
        switch TenantConfigurationLoader.parseCollectingErrors(yaml: Self.head + "  email: " + email, fileName: Self.file) {
        case .success: []
        case .failure(let errors): errors.errors
        }
    }

    @Test("the documented block: starttls as a YAML boolean, the password a reference; it renders and reads back the same")
    func documentedBlock() throws {
        let config = try parse("""
            {adapter: smtp, host: smtp.kigali-health.example, port: 587, username: care, password: env:KH_SMTP_PASSWORD,
                     starttls: true, from: care@kigali-health.example}
            """)
        let email = try #require(config.integrations[.email])
        #expect(email.adapter == "smtp")
        #expect(email["host"] == .plain("smtp.kigali-health.example") && email["port"] == .plain("587"))
        #expect(email["password"] == .secret(.env("KH_SMTP_PASSWORD")) && email["starttls"] == .plain("true"))
        #expect(try parse("{adapter: smtp, host: mail.example.org, from: a@example.org, starttls: false}")
            .integrations[.email]?["starttls"] == .plain("false"))
        #expect(try TenantConfigurationLoader.parse(yaml: TenantConfigurationLoader.render(config), fileName: Self.file) == config)
    }

    @Test("refused: no host, a bad port, a password written in the file, an unknown key, a starttls that is not a boolean")
    func refused() {
        #expect(errors("{adapter: smtp, port: 587, from: a@example.org}").map(\.field) == ["integrations.email.host"])
        for port in ["0", "70000", "587x", "\"\""] {
            let found = errors("{adapter: smtp, host: mail.example.org, port: \(port), from: a@example.org}")
            #expect(found.map(\.field) == ["integrations.email.port"], "port \(port)")
        }
        let plaintext = errors("{adapter: smtp, host: mail.example.org, from: a@example.org, username: care, password: hunter2-secret}")
        #expect(plaintext.map(\.field) == ["integrations.email.password"])
        #expect(plaintext.first?.reason == "secrets must be references (env:NAME or file:/path), never values")
        #expect(plaintext.allSatisfy { !$0.description.contains("hunter2") })
        let unknown = errors("{adapter: smtp, host: mail.example.org, from: a@example.org, tls: true}")
        #expect(unknown.map(\.field) == ["integrations.email.tls"])
        #expect(unknown.first?.reason
            == "unknown field for adapter 'smtp' (expected one of: host, port, from, username, password, starttls, ca_file)")
        for flag in ["maybe", "1", "\"yes please\""] {
            let found = errors("{adapter: smtp, host: mail.example.org, from: a@example.org, starttls: \(flag)}")
            #expect(found.map(\.field) == ["integrations.email.starttls"], "starttls \(flag)")
        }
        #expect(errors("{adapter: smtp, host: \"smtp://mail.example.org\", from: a@example.org}").map(\.field) == ["integrations.email.host"])
        #expect(errors("{adapter: smtp, host: mail.example.org}").map(\.field) == ["integrations.email.from"])
        #expect(errors("smtp").first?.reason == "adapter 'smtp' needs settings: host, from")
    }
}
