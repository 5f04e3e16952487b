import FluentKit
import Foundation

/// A model that can read itself from a query's output field by field. Fluent's own decoding
/// finds a model's fields by reflection (`Mirror`) for every row, which was a third of the CPU
/// of a 20-row patient page; a list of the model's properties written out does the same work
/// without it. `DirectOutputTests` checks each list against Fluent's decoding.
protocol DirectOutput: Model {
    /// The model's database properties, as its declarations list them.
    var directProperties: [any AnyDatabaseProperty] { get }
}

extension QueryBuilder where Model: DirectOutput {
    /// `all()`, decoding rows through `directProperties` instead of reflection.
    func allDirect() async throws -> [Model] {
        let rows = RowCollector<Model>()
        try await run { output in
            rows.append(Result {
                let model = Model()
                let qualified = output.qualifiedSchema(space: Model.space, Model.schema)
                for property in model.directProperties { try property.output(from: qualified) }
                return model
            })
        }.get()
        return try rows.results.map { try $0.get() }
    }
}

/// Rows as the query hands them over (one at a time, from the database's thread).
private final class RowCollector<M: Model>: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Result<M, any Error>] = []

    func append(_ row: Result<M, any Error>) {
        lock.lock()
        collected.append(row)
        lock.unlock()
    }

    var results: [Result<M, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}

extension Patient: DirectOutput {
    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $homeFacilityID, $userID, $mrnSealed, $mrnIndex, $givenNameSealed, $familyNameSealed, $birthDateSealed,
         $birthYear, $sex, $phoneSealed, $phoneIndex, $emailSealed, $emailIndex, $nationalIDSealed, $nationalIDIndex,
         $detailsSealed, $deletedAt, $createdAt, $updatedAt]
    }
}

extension User: DirectOutput {
    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $emailSealed, $emailIndex, $displayNameSealed, $passwordHash, $phoneSealed, $locale, $notificationChannels,
         $status, $lastLoginAt, $createdAt, $updatedAt]
    }
}
