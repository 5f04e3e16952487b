import FluentKit
import Foundation

/// Keyset pagination over time-ordered ids (`TimeOrderedID`): newest first, the cursor is the
/// last id of the page.
enum NewestFirst {
    static func page<M: TenantOwned>(_ query: QueryBuilder<M>, _ page: PageRequest) async throws -> Page<M> {
        let query = query.sort(\M._$id, .descending).limit(page.limit + 1)
        if let cursor = page.cursor {
            guard let after = UUID(uuidString: cursor.key) else { throw AppError.invalid("cursor", "is not a cursor returned by this API") }
            query.filter(\M._$id < after)
        }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last?.id.map { Cursor(key: $0.uuidString).encoded } : nil
        return Page(items: items, nextCursor: next)
    }
}
