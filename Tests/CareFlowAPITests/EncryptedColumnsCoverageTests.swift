@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing

/// Key rotation re-seals exactly the columns `EncryptedColumns` names, then retires the old key:
/// a sealed column missing from the list would stop opening after a rotation. The expectation
/// comes from the migrated database itself (every column named `*_sealed`), not from the list.
@Suite("Every sealed column is rotated")
struct EncryptedColumnsCoverageTests {
    struct Column: Hashable, CustomStringConvertible {
        let table: String
        let column: String
        var description: String { "\(table).\(column)" }
    }

    @Test("the rotation list names every *_sealed column of the schema, and nothing that is not there",
          arguments: TestBackend.enabled)
    func coverage(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let query: SQLQueryString = sql.dialect.name == "sqlite"
                ? """
                  SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p
                  WHERE m.type = 'table' AND p.name LIKE '%\\_sealed' ESCAPE '\\'
                  """
                : """
                  SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns
                  WHERE table_schema = current_schema() AND column_name LIKE '%\\_sealed'
                  """
            let inSchema = Set(try await sql.raw(query).all().map {
                Column(table: try $0.decode(column: "table_name", as: String.self),
                       column: try $0.decode(column: "column_name", as: String.self))
            })
            // Sealed columns exist in every area of the product; an empty answer means the query broke.
            #expect(inSchema.count > 30)
            let listed = Set(EncryptedColumns.all.flatMap { table in table.columns.map { Column(table: table.name, column: $0) } })
            #expect(inSchema.subtracting(listed).isEmpty, "sealed columns rotation would leave on the old key: \(inSchema.subtracting(listed).sorted { $0.description < $1.description })")
            #expect(listed.subtracting(inSchema).isEmpty, "listed but not in the schema: \(listed.subtracting(inSchema))")
        }
    }
}
