import Fluent
import SQLKit

/// Secondary indexes, which Fluent's schema builder does not create.
enum SecondaryIndex {
    static func create(_ name: String, on table: String, columns: [String], db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
