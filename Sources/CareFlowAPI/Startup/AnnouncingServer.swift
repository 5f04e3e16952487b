import NIOCore
import Vapor

/// Vapor's HTTP server, announcing itself once it listens: the banner needs the address actually
/// bound (`--port 0` picks a free one), known only after `start`.
struct AnnouncingServer: Server {
    let base: HTTPServer
    let announce: @Sendable (_ url: String) -> Void

    var onShutdown: EventLoopFuture<Void> { base.onShutdown }

    func start(address: BindAddress?) async throws {
        try await base.start(address: address)
        announce(Self.url(of: base.localAddress))
    }

    @available(*, noasync, message: "Use the async start() method instead.")
    func start(address: BindAddress?) throws {
        try base.start(address: address)
        announce(Self.url(of: base.localAddress))
    }

    @available(*, noasync, message: "Use the async shutdown() method instead.")
    func shutdown() { base.shutdown() }

    func shutdown() async { await base.shutdown() }

    /// The URL a person on this machine opens: a server bound to every interface is reached at
    /// loopback; IPv6 addresses in brackets.
    static func url(of address: SocketAddress?) -> String {
        guard let address else { return "http://127.0.0.1:8080" }
        if let path = address.pathname { return "http+unix://\(path)" }
        let port = address.port.map { ":\($0)" } ?? ""
        switch address.ipAddress {
        case nil, "0.0.0.0": return "http://127.0.0.1\(port)"
        case "::": return "http://[::1]\(port)"
        case let ip? where ip.contains(":"): return "http://[\(ip)]\(port)"
        case let ip?: return "http://\(ip)\(port)"
        }
    }
}
