import CareFlowCore
import FluentKit
import Foundation
import PostgresNIO

/// The webhook ledger's statements prepared with PostgresNIO: each connection parses and plans
/// a statement once, on its first use there, and then only binds and executes it.
struct PostgresLedgerStatements: LedgerStatementRunner {
    func run(_ statement: LedgerStatement, rows: String, now: Date, on db: any Database) async throws -> [LedgerStatement.Outcome]? {
        guard let postgres = db as? any PostgresDatabase else { return nil }
        let logger = db.logger
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                switch statement {
                case .write: try await Self.outcomes(Write(rows: rows, now: now), on: connection, logger: logger)
                case .writeUnlessInvoiced: try await Self.outcomes(WriteUnlessInvoiced(rows: rows, now: now), on: connection, logger: logger)
                }
            }
        }.get()
    }

    private static func outcomes<S: PostgresPreparedStatement>(_ statement: S, on connection: PostgresConnection,
                                                               logger: Logger) async throws -> [LedgerStatement.Outcome]
    where S.Row == LedgerStatement.Outcome {
        var outcomes: [LedgerStatement.Outcome] = []
        for try await outcome in try await connection.execute(statement, logger: logger) { outcomes.append(outcome) }
        return outcomes
    }

    // One type per statement: PostgresNIO takes a prepared statement's name and text from its type.

    struct Write: LedgerPreparedStatement {
        static let ledgerStatement = LedgerStatement.write
        let rows: String
        let now: Date
    }

    struct WriteUnlessInvoiced: LedgerPreparedStatement {
        static let ledgerStatement = LedgerStatement.writeUnlessInvoiced
        let rows: String
        let now: Date
    }
}

private protocol LedgerPreparedStatement: PostgresPreparedStatement where Row == LedgerStatement.Outcome {
    static var ledgerStatement: LedgerStatement { get }
    var rows: String { get }
    var now: Date { get }
}

extension LedgerPreparedStatement {
    static var name: String { ledgerStatement.name }
    static var sql: String { ledgerStatement.sql }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(rows)
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> LedgerStatement.Outcome {
        let (n, stored, active, invoiced) = try row.decode((Int, Bool, Bool, Bool).self)
        return LedgerStatement.Outcome(n: n, stored: stored, active: active, invoiced: invoiced)
    }
}
