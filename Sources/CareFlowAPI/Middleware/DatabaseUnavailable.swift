import AsyncKit
import Logging
import CareFlowCore
import FluentPostgresDriver
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The database cannot be reached right now: a restart, a failover, a network cut, a pool
/// starved while the server comes back. The request did not fail because of what it asked, so
/// the answer is a 503 with `Retry-After` (the client, or the proxy's caller, can simply come
/// back) rather than a 500 that reads as a bug. Anything not listed here stays a 500.
enum DatabaseUnavailable {
    /// Seconds a client is asked to wait; a PostgreSQL restart usually takes a few.
    static let retryAfterSeconds = 5

    static let problem = AppError.unavailable("The database is temporarily unreachable; retry shortly")

    /// Whether `error` means "database unreachable" rather than "this request was wrong".
    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let psql as PSQLError:
            return matches(code: psql.code, sqlState: psql.serverInfo?[.sqlState])
                || psql.underlying.map(matches) == true
        case let legacy as PostgresError:
            switch legacy {
            case .connectionClosed: return true
            case .server(let message): return matches(sqlState: message.fields[.sqlState])
            case .protocol: return false
            }
        case is ConnectionPoolTimeoutError:
            // Every connection is gone and none can be opened before the pool's wait ends.
            return true
        case let pool as ConnectionPoolError:
            return pool == .shutdown
        case is NIOConnectionError:
            return true
        case let channel as ChannelError:
            switch channel {
            case .connectTimeout, .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: return true
            default: return false
            }
        case let io as IOError:
            return [ECONNREFUSED, ECONNRESET, ECONNABORTED, EPIPE, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT].contains(io.errnoCode)
        default:
            return false
        }
    }

    /// What a log line may say about an error: its type and, for PostgreSQL, PostgresNIO's code,
    /// the SQLSTATE and the server routine that raised it. Never the message or the query: they
    /// can quote row values (PHI).
    static func diagnosis(_ error: any Error) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["error_type": .string(String(reflecting: type(of: error)))]
        if let psql = error as? PSQLError {
            metadata["psql_code"] = .string(psql.code.description)
            if let state = psql.serverInfo?[.sqlState] { metadata["sql_state"] = .string(state) }
            if let routine = psql.serverInfo?[.routine] { metadata["sql_routine"] = .string(routine) }
            if let underlying = psql.underlying { metadata["underlying_type"] = .string(String(reflecting: type(of: underlying))) }
        }
        return metadata
    }

    /// PostgresNIO's classification of a failed query or connection.
    /// `unexpectedBackendMessage`: the server said something out of turn and PostgresNIO closed
    /// the connection, e.g. when a stopping server's FATAL arrives just after a query completed
    /// (PostgresNIO keeps that message's SQLSTATE to itself). The cluster test saw it answered 500
    /// while PostgreSQL restarted; the request itself was not at fault.
    static func matches(code: PSQLError.Code, sqlState: String?) -> Bool {
        switch code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
             .unexpectedBackendMessage:
            return true
        case .server:
            return matches(sqlState: sqlState)
        default:
            return false
        }
    }

    /// SQLSTATEs of a server that is going away or not there yet: class 08 (connection
    /// exception), 57P01 admin_shutdown (`pg_ctl stop -m fast`, a terminated backend), 57P02
    /// crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, in recovery).
    static func matches(sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}
