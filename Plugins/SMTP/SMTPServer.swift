import CareFlowCore

/// Where and how the tenant's mail server is reached; built from the tenant file.
struct SMTPServer: Sendable {
    let host: String
    let port: Int
    let starttls: Bool
    let caFile: String?
    let username: String?
    let password: ResolvedSecret?

    var url: String { "smtp://\(host):\(port)" }
    /// `host:port`, for error messages.
    var name: String { "\(host):\(port)" }
}
