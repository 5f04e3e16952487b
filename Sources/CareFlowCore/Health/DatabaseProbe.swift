import FluentKit
import Foundation
import SQLKit

/// One bounded round trip to the database: wait for a pooled connection, run `SELECT 1`.
///
/// Neither Fluent's pools (AsyncKit) nor the SQLite and PostgreSQL drivers expose how many
/// connections are in use or how long requests wait for one, so the pool is measured from
/// outside: the probe queues for a connection like any request does. Its wait grows when the
/// pool is saturated and its query time when the server is slow.
public struct DatabaseProbe: Sendable {
    public struct Reading: Sendable, Equatable {
        /// Waiting for a connection from the pool (connecting included, when none was open).
        public let acquireSeconds: Double
        /// `SELECT 1` on that connection.
        public let querySeconds: Double
    }

    /// Why the database did not answer, without the driver's text (it can name hosts and users).
    public struct Unreachable: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: String, Sendable { case timeout, error }
        public let reason: Reason
        public var description: String { reason == .timeout ? "the database did not answer in time" : "the database refused or failed" }
    }

    public let timeout: Double

    public init(timeout: Double = 2) {
        self.timeout = timeout
    }

    public func measure(_ db: any Database) async throws(Unreachable) -> Reading {
        let started = ContinuousClock.now
        do {
            return try await Deadline.run(seconds: timeout) {
                try await db.withConnection { connection in
                    let acquired = ContinuousClock.now
                    guard let sql = connection as? any SQLDatabase else { throw Unreachable(reason: .error) }
                    try await sql.raw("SELECT 1").run()
                    return Reading(acquireSeconds: (acquired - started).asSeconds, querySeconds: (ContinuousClock.now - acquired).asSeconds)
                }
            }
        } catch is Deadline.Exceeded {
            throw Unreachable(reason: .timeout)
        } catch {
            throw Unreachable(reason: .error)
        }
    }
}

extension Duration {
    /// As a number of seconds, for gauges and JSON.
    var asSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
