@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 10, finding 6: behind the shipped proxy every request arrives from the proxy's address;
/// the per-address limits and the audit trail must key on the client the proxy vouches for.
@Suite("Trusted proxies and the client address")
struct TrustedProxyTests {
    /// The real socket's peer is 127.0.0.1; trusting it as a CIDR makes the test app stand behind
    /// a proxy exactly as a gateway behind nginx does.
    static func behindProxy(_ config: inout AppConfiguration) {
        config.trustedProxies = AppConfiguration.fromEnvironment(["CAREFLOW_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.0/8, ::1/128"]).trustedProxies
        config.throttle = ThrottlePolicy()  // the production limits: 50 failures per address in 15 min
    }

    static func login(_ server: LiveServer, _ slug: String, _ email: String, _ password: String,
                      forwardedFor: String?) async throws -> LiveResponse {
        try await server.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": slug, "email": email, "password": password]),
                              headers: forwardedFor.map { [("X-Forwarded-For", $0)] } ?? [])
    }

    @Test("through a trusted proxy, 50 bad logins from client A do not lock client B; A is locked", arguments: TestBackend.enabled)
    func lockoutIsPerClient(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.behindProxy) { app in
            let t = try await Fixtures.tenant(app, slug: "proxy")
            try await app.withLiveServer { server in
                // Unknown accounts, so only the per-address count can lock (each email fails once).
                for i in 0..<50 {
                    let res = try await Self.login(server, "proxy", "ghost\(i)@proxy.test", "wrong-password",
                                                   forwardedFor: "198.51.100.7")
                    #expect(res.status == .unauthorized || res.status == .tooManyRequests)
                }
                let a = try await Self.login(server, "proxy", t[.nurse].email, testPassword, forwardedFor: "198.51.100.7")
                #expect(a.status == .tooManyRequests, "client A is locked: \(a.status)")
                let b = try await Self.login(server, "proxy", t[.nurse].email, testPassword, forwardedFor: "203.0.113.9")
                #expect(b.status == .ok, "client B is not: \(b.status) \(b.text)")
            }
        }
    }

    @Test("an untrusted peer's X-Forwarded-For is ignored: the peer is the client", arguments: TestBackend.enabled)
    func untrustedPeer(backend: TestBackend) async throws {
        // Only a remote network is trusted: the test's 127.0.0.1 peer is an ordinary client.
        try await withCareFlow(backend, configure: { $0.trustedProxies = AppConfiguration.fromEnvironment(["CAREFLOW_TRUSTED_PROXIES": "10.0.0.0/8"]).trustedProxies }) { app in
            _ = try await Fixtures.tenant(app, slug: "noproxy")
            try await app.withLiveServer { server in
                let res = try await Self.login(server, "noproxy", "ghost@noproxy.test", "wrong-password", forwardedFor: "198.51.100.7")
                #expect(res.status == .unauthorized)
            }
            // The fixtures' own logins (in memory, no peer) have no address.
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$ip != nil).all()
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.ip == "127.0.0.1" }, "\(events.map(\.ip))")
        }
    }

    @Test("audit events record the forwarded client, never a client-written entry left of it", arguments: TestBackend.enabled)
    func auditRecordsForwardedClient(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.behindProxy) { app in
            _ = try await Fixtures.tenant(app, slug: "audited")
            try await app.withLiveServer { server in
                // The client wrote "192.0.2.66"; the proxy (10.1.2.3, trusted) appended the
                // client's real address, and the next proxy (the socket peer) appended 10.1.2.3.
                let res = try await Self.login(server, "audited", "ghost@audited.test", "wrong-password",
                                               forwardedFor: "192.0.2.66, 2001:DB8:0::5, 10.1.2.3")
                #expect(res.status == .unauthorized)
            }
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$ip != nil).all()
            #expect(events.count == 1)
            #expect(events.first?.ip == "2001:db8::5")
        }
    }

    @Test("the client address algorithm: right-most untrusted entry, canonical text")
    func algorithm() {
        let proxies = TrustedProxies("10.0.0.0/8,172.16.0.0/12,::1/128")
        #expect(proxies.problems.isEmpty)
        // No peer, untrusted peer.
        #expect(proxies.clientAddress(peer: nil, forwardedFor: ["1.2.3.4"]) == nil)
        #expect(proxies.clientAddress(peer: "198.51.100.1", forwardedFor: ["1.2.3.4"]) == "198.51.100.1")
        // Trusted peer: the right-most entry that is not a trusted proxy, across header lines.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 1.2.3.4"]) == "1.2.3.4")
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 1.2.3.4, 172.16.5.5"]) == "1.2.3.4")
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["6.6.6.6", "1.2.3.4, 172.31.0.1"]) == "1.2.3.4")
        #expect(proxies.clientAddress(peer: "::1", forwardedFor: ["2001:0db8:0000::0001"]) == "2001:db8::1")
        // A dual-stack socket's mapped IPv4 peer is the IPv4 address.
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.2", forwardedFor: ["1.2.3.4"]) == "1.2.3.4")
        #expect(proxies.clientAddress(peer: "::ffff:198.51.100.1", forwardedFor: []) == "198.51.100.1")
        // No header, or only proxies: the furthest proxy seen.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: []) == "10.0.0.2")
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["10.9.9.9"]) == "10.9.9.9")
        // Garbage ends the walk at the last hop that vouched for it.
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, unknown"]) == "10.0.0.2")
        #expect(proxies.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4:80"]) == "10.0.0.2")
        // Nothing trusted: XFF is never read.
        #expect(TrustedProxies("").clientAddress(peer: "10.0.0.2", forwardedFor: ["1.2.3.4"]) == "10.0.0.2")
    }

    @Test("CIDR parsing: v4, v6, bare addresses, edge prefixes, refusals")
    func cidrParsing() throws {
        let v4 = try #require(IPNetwork(parsing: "10.0.0.0/8"))
        #expect(v4.contains(IPAddress.bytes("10.255.1.2")!))
        #expect(!v4.contains(IPAddress.bytes("11.0.0.0")!))
        #expect(!v4.contains(IPAddress.bytes("::a00:1")!))  // families never mix
        let v6 = try #require(IPNetwork(parsing: "fd00::/8"))
        #expect(v6.contains(IPAddress.bytes("fdff::1")!))
        #expect(!v6.contains(IPAddress.bytes("fe00::1")!))
        #expect(!v6.contains(IPAddress.bytes("10.0.0.1")!))
        // /0, /32, /128, a bare address.
        #expect(IPNetwork(parsing: "0.0.0.0/0")!.contains(IPAddress.bytes("203.0.113.1")!))
        #expect(IPNetwork(parsing: "::/0")!.contains(IPAddress.bytes("2001:db8::1")!))
        #expect(IPNetwork(parsing: "192.0.2.1/32")!.contains(IPAddress.bytes("192.0.2.1")!))
        #expect(!IPNetwork(parsing: "192.0.2.1/32")!.contains(IPAddress.bytes("192.0.2.2")!))
        #expect(IPNetwork(parsing: "::1/128")!.contains(IPAddress.bytes("::1")!))
        #expect(!IPNetwork(parsing: "::1/128")!.contains(IPAddress.bytes("::2")!))
        #expect(IPNetwork(parsing: "192.0.2.1") == IPNetwork(parsing: "192.0.2.1/32"))
        #expect(IPNetwork(parsing: "2001:db8::1") == IPNetwork(parsing: "2001:db8::1/128"))
        #expect(IPNetwork(parsing: "172.16.0.0/12")!.contains(IPAddress.bytes("172.31.255.255")!))
        #expect(!IPNetwork(parsing: "172.16.0.0/12")!.contains(IPAddress.bytes("172.32.0.0")!))
        #expect(IPNetwork(parsing: "172.16.0.0/12")?.description == "172.16.0.0/12")
        // Refused: prefixes out of range, host bits set, junk, ports, mapped forms, empty.
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.1/8", "::1/64", "10.0.0.0/+8",
                    "10.0.0/8", "256.0.0.0/8", "example.org", "10.0.0.1:80", "::ffff:10.0.0.0/104", "", "/8", "10.0.0.0/ 8"] {
            #expect(IPNetwork(parsing: bad) == nil, "\(bad)")
        }
        #expect(IPNetwork.problem("10.0.0.1/8")?.contains("10.0.0.0/8") == true)
        let mixed = TrustedProxies(" 10.0.0.0/8 , nonsense,::1/128,")
        #expect(mixed.problems.count == 1)
        #expect(mixed.contains("10.3.3.3") && mixed.contains("::1") && !mixed.contains("192.0.2.1"))
    }

    @Test("an invalid CAREFLOW_TRUSTED_PROXIES stops start-up, naming the variable")
    func invalidSettingRefused() async throws {
        await #expect(throws: (any Error).self) {
            try await withCareFlow(.sqlite, configure: { $0.trustedProxies = TrustedProxies("10.0.0.1/8") }) { _ in }
        }
    }
}
