import CareFlowCore
import Foundation

/// Builds the `smtp` email adapter from a tenant's resolved settings.
public enum SMTPAdapterFactory {
    /// Message submission (RFC 6409), where STARTTLS and AUTH are expected.
    public static let defaultPort = 587

    /// - Settings: `host`, `port` (default 587), `from`, `username` and `password` (a secret;
    ///   both or neither), `starttls` (`true` unless `false`), `ca_file` (a PEM file of CAs to
    ///   trust instead of the system's).
    /// - Parameter now: the clock for the `Date:` header.
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field.
    public static func make(settings: AdapterSettings, timeouts: IntegrationTimeouts = .standard,
                            now: @escaping @Sendable () -> Date = { Date() }) throws(AdapterConfigurationError) -> any EmailSender {
        func invalid(_ field: String, _ reason: String) -> AdapterConfigurationError {
            AdapterConfigurationError(adapter: settings.adapter, field: field, reason: reason)
        }
        let host = try settings.required("host")
        if let problem = SettingKind.host.problem(with: host) { throw invalid("host", problem) }
        var port = defaultPort
        if let given = settings.optional("port") {
            guard let number = Int(given), (1...65535).contains(number) else { throw invalid("port", "expected 1 to 65535") }
            port = number
        }
        let from = try settings.required("from")
        guard SMTPAddress.isValid(from) else { throw invalid("from", "expected a plain ASCII address such as care@clinic.example") }

        var starttls = true
        switch settings.optional("starttls") {
        case nil, "true": break
        case "false": starttls = false
        default: throw invalid("starttls", "expected true or false")
        }

        // The user name may be written plainly or, like the password, as a secret reference.
        let username = settings.optional("username") ?? settings.secrets["username"].map { $0.reveal() }
        let password = settings.secrets["password"]
        switch (username, password) {
        case (nil, nil), (.some, .some): break
        case (.some, nil): throw invalid("password", "required with username (a secret reference, env:NAME or file:/path)")
        case (nil, .some): throw invalid("username", "required with password")
        }
        if password?.isEmpty == true { throw invalid("password", "required secret is missing or empty") }
        if password != nil, !starttls {
            throw invalid("starttls", "must be true when a password is set: the password would cross the network in clear text")
        }

        var caFile: String?
        if let path = settings.optional("ca_file") {
            guard path.hasPrefix("/") else { throw invalid("ca_file", "expected an absolute path to a PEM file") }
            guard FileManager.default.isReadableFile(atPath: path) else { throw invalid("ca_file", "'\(path)' is not a readable file") }
            caFile = path
        }

        let server = SMTPServer(host: host, port: port, starttls: starttls, caFile: caFile, username: username, password: password)
        return SMTPEmailSender(server: server, from: from, timeouts: timeouts, now: now)
    }
}
