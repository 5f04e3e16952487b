import Logging

/// What `careflow serve` says once it listens: where it is, where the API documentation and the
/// console are, where the demo accounts' one-time passwords were written and how to stop it. In full on a first start, in one line afterwards; for a log
/// shipper the same facts are the fields of one `server.started` event.
struct StartupBanner: Equatable, Sendable {
    /// The base URL it listens on, e.g. `http://127.0.0.1:8080`.
    let url: String
    /// `demo-credentials.txt`, when this run created the demo accounts or the file is still there.
    let demoAccountsFile: String?
    /// This run created the database or onboarded the tenants: the banner explains more.
    let firstStart: Bool

    var docsURL: String { url + "/docs" }
    var consoleURL: String { url + "/console" }

    /// For a terminal; `colored` makes the URL stand out.
    func text(colored: Bool) -> String {
        let bold = colored ? "\u{1B}[1m" : ""
        let reset = colored ? "\u{1B}[0m" : ""
        guard firstStart else {
            let demo = demoAccountsFile.map { ", demo accounts in \($0)" } ?? ""
            return "CareFlow is running at \(bold)\(url)\(reset) (docs \(docsURL), console \(consoleURL)\(demo)); press Ctrl-C to stop\n"
        }
        var lines = ["", "  CareFlow is running at \(bold)\(url)\(reset)", "",
                     "    API documentation  \(docsURL)",
                     "    Admin console      \(consoleURL)"]
        if let demoAccountsFile {
            lines.append("    Demo accounts      \(demoAccountsFile)")
            lines.append("                       (one-time passwords, one user per role; delete the file when done)")
        }
        lines += ["", "  Press Ctrl-C to stop.", ""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields of the `server.started` event (no secret: the file's path, never its content).
    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = ["url": .string(url), "docs": .string(docsURL), "console": .string(consoleURL),
                                       "first_start": .stringConvertible(firstStart), "stop": "SIGINT or SIGTERM"]
        if let demoAccountsFile { fields["demo_accounts_file"] = .string(demoAccountsFile) }
        return fields
    }
}
