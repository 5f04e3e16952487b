import CareFlowCore
import Foundation
@testable import SMTPAdapter
import Testing

/// What the `smtp` factory refuses when a tenant's adapters are built (the registry reports it
/// with tenant and field), and the body encoding's line rules. The protocol itself is tested
/// against a real SMTP server in CareFlowAPITests (SMTPAdapterTests, SMTPOutboxTests).
@Suite("SMTP adapter: settings and encoding")
struct SMTPAdapterFactoryTests {
    func make(_ values: [String: String]) throws(AdapterConfigurationError) -> any EmailSender {
        try SMTPAdapterFactory.make(settings: AdapterSettings(adapter: "smtp", values: values))
    }

    func refusal(_ values: [String: String]) -> AdapterConfigurationError? {
        do {
            _ = try make(values)
            return nil
        } catch {
            return error
        }
    }

    static let base = ["host": "mail.example.org", "from": "care@example.org"]

    @Test("host and from suffice; port, credentials, starttls and ca_file are checked")
    func settings() throws {
        _ = try make(Self.base)
        _ = try make(Self.base.merging(["port": "2525", "username": "care", "password": "pw", "starttls": "true"]) { $1 })
        let cases: [([String: String], String)] = [
            (["from": "care@example.org"], "host"),
            (["host": "mail.example.org"], "from"),
            (Self.base.merging(["from": "Émilie@example.org"]) { $1 }, "from"),
            (Self.base.merging(["port": "0"]) { $1 }, "port"),
            (Self.base.merging(["username": "care"]) { $1 }, "password"),
            (Self.base.merging(["password": "pw"]) { $1 }, "username"),
            (Self.base.merging(["username": "care", "password": "pw", "starttls": "false"]) { $1 }, "starttls"),
            (Self.base.merging(["starttls": "yes"]) { $1 }, "starttls"),
            (Self.base.merging(["ca_file": "certs/ca.pem"]) { $1 }, "ca_file"),
            (Self.base.merging(["ca_file": "/nonexistent/careflow-ca.pem"]) { $1 }, "ca_file"),
        ]
        for (values, field) in cases {
            let error = refusal(values)
            #expect(error?.field == field, "\(values) → \(String(describing: error))")
            #expect(error?.description.contains("pw") != true)
        }
    }

    @Test("quoted-printable: lines of at most 76 characters, soft breaks, '=', trailing space and leading dot encoded")
    func quotedPrintable() {
        #expect(QuotedPrintable.encode(String(repeating: "a", count: 100))
            == String(repeating: "a", count: 75) + "=\r\n" + String(repeating: "a", count: 25))
        #expect(QuotedPrintable.encode(String(repeating: "a", count: 76)) == String(repeating: "a", count: 76))
        // A soft break may fall between the two bytes of one character, never inside "=XX".
        let pair = "=C3=A9"
        #expect(QuotedPrintable.encode(String(repeating: "é", count: 30))
            == String(repeating: pair, count: 12) + "=C3=\r\n=A9" + String(repeating: pair, count: 12) + "=\r\n" + String(repeating: pair, count: 5))
        #expect(QuotedPrintable.encode("a=b \r\n.x\rend\t\n") == "a=3Db=20\r\n=2Ex\r\nend=09\r\n")
    }
}
