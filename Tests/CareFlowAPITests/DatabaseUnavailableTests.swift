@testable import CareFlowAPI
import AsyncKit
import CareFlowCore
import FluentPostgresDriver
import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A database that is away (restart, failover, cut) answers 503 problem+json with
/// `Retry-After`, never 500; errors that are the request's own or a bug stay what they were.
/// On PostgreSQL, killed connections are real ones (`pg_terminate_backend` of the test's own
/// session, 57P01), and the pool replaces them.
@Suite("Database unavailable: 503 with Retry-After, and the pool reconnects")
struct DatabaseUnavailableTests {
    @Test("SQLSTATEs of a server going away or not there yet count; constraint and syntax errors do not")
    func sqlStates() {
        for state in ["57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"] {
            #expect(DatabaseUnavailable.matches(sqlState: state), "\(state)")
        }
        for state in ["23505", "23503", "42601", "42P01", "40001", "57014", "53300", "22P02", nil] {
            #expect(!DatabaseUnavailable.matches(sqlState: state), "\(state ?? "nil")")
        }
        #expect(DatabaseUnavailable.matches(code: .connectionError, sqlState: nil))
        #expect(DatabaseUnavailable.matches(code: .serverClosedConnection, sqlState: nil))
        #expect(DatabaseUnavailable.matches(code: .uncleanShutdown, sqlState: nil))
        // A stopping server's FATAL arriving just after a query completed (seen in ClusterChaosTests).
        #expect(DatabaseUnavailable.matches(code: .unexpectedBackendMessage, sqlState: nil))
        #expect(DatabaseUnavailable.matches(code: .server, sqlState: "57P01"))
        #expect(!DatabaseUnavailable.matches(code: .server, sqlState: "23505"))
        #expect(!DatabaseUnavailable.matches(code: .queryCancelled, sqlState: nil))
        #expect(!DatabaseUnavailable.matches(code: .tooManyParameters, sqlState: nil))
    }

    @Test("connection refused or reset, a pool that times out: unavailable; anything else: not")
    func transportErrors() {
        #expect(DatabaseUnavailable.matches(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(DatabaseUnavailable.matches(IOError(errnoCode: ECONNRESET, reason: "read")))
        #expect(!DatabaseUnavailable.matches(IOError(errnoCode: EACCES, reason: "open")))
        #expect(DatabaseUnavailable.matches(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(DatabaseUnavailable.matches(ChannelError.ioOnClosedChannel))
        #expect(DatabaseUnavailable.matches(PostgresError.connectionClosed))
        #expect(!DatabaseUnavailable.matches(PostgresError.protocol("unexpected message")))
        #expect(!DatabaseUnavailable.matches(AppError.conflict("taken")))
        #expect(!DatabaseUnavailable.matches(CocoaError(.fileNoSuchFile)))
    }

    @Test("a real refused connection is unavailable, and the problem says 503 with Retry-After", arguments: TestBackend.enabled)
    func refusedConnection(backend: TestBackend) async throws {
        // A port nothing listens on: bind one, note it, close it.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        var caught: (any Error)?
        do {
            let config = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "careflow", password: "x",
                                                          database: "careflow", tls: .disable)
            let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: Logger(label: "test"))
            try? await connection.close()
        } catch {
            caught = error
        }
        let error = try #require(caught, "connecting to a closed port succeeded")
        #expect(DatabaseUnavailable.matches(error), "\(String(reflecting: error))")
        try await withCareFlow(backend) { app in
            let response = ProblemMiddleware.response(for: error, request: Request(application: app, on: app.eventLoopGroup.any()))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers.first(name: .retryAfter) == "5")
            #expect(response.headers.contentType?.subType == "problem+json")
            let body = try #require(response.body.data)
            let problem = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(problem["type"] as? String == "https://careflow.dev/problems/unavailable")
            #expect(problem["status"] as? Int == 503)
            // Nothing of the driver's text (addresses, ports) reaches the caller.
            #expect(!String(decoding: body, as: UTF8.self).contains(String(port)))
        }
    }

    @Test("sessions killed by the server (57P01) are unavailable, and the pool serves requests again after")
    func poolReconnects() async throws {
        guard TestBackend.postgresURL != nil else { return }
        try await withCareFlow(.postgres) { app in
            let t = try await Fixtures.tenant(app, slug: "dbaway")
            let patient = try await Fixtures.patient(app, t)
            let path = "/api/v1/patients/\(patient)"
            #expect(try await app.send(.GET, path, token: t[.receptionist].token).status == .ok)
            let sql = try #require(app.db as? any SQLDatabase)
            // Kill every connection the pool lends out, as a PostgreSQL restart does.
            var killed = Set<Int>()
            for _ in 0..<12 {
                var pid: Int?
                do {
                    pid = try await sql.raw("SELECT pg_backend_pid() AS pid").first()?.decode(column: "pid", as: Int.self)
                    try await sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                    Issue.record("a terminated session answered")
                } catch {
                    #expect(DatabaseUnavailable.matches(error), "\(String(reflecting: error))")
                    if let pid { killed.insert(pid) }
                }
            }
            #expect(!killed.isEmpty)
            // Requests find fresh connections; any that meets a dead one is a 503 with Retry-After.
            var succeeded = false
            for _ in 0..<5 where !succeeded {
                let res = try await app.send(.GET, path, token: t[.receptionist].token)
                if res.status == .ok {
                    succeeded = true
                } else {
                    #expect(res.status == .serviceUnavailable, "\(res.status) \(res.text)")
                    #expect(res.headers.first(name: .retryAfter) != nil)
                }
            }
            #expect(succeeded, "the pool did not reconnect")
            let pid = try await sql.raw("SELECT pg_backend_pid() AS pid").first()?.decode(column: "pid", as: Int.self)
            #expect(pid.map { !killed.contains($0) } == true)
        }
    }
}
