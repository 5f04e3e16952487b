import FluentKit
import Foundation
import SQLKit

/// A model that can read itself from a query's output field by field. Fluent's own decoding
/// finds a model's fields by reflection (`Mirror`) for every row, and its query builder reflects
/// again for every query (default field list, soft-delete filter, timestamps): together a third
/// of the CPU of a 20-row patient page. A list of the model's properties written out does the
/// same work without it. `DirectOutputTests` checks each list against Fluent's decoding.
protocol DirectOutput: Model {
    /// The model's database properties, as its declarations list them.
    var directProperties: [any AnyDatabaseProperty] { get }
    /// `"table"."column", …` for every key of `directProperties`: built once per model type
    /// (`makeDirectColumns()`), so a hot query serialises no identifiers.
    static var directColumns: String { get }
}

extension DirectOutput {
    static func makeDirectColumns() -> String {
        Self().directProperties.flatMap(\.keys).map { #""\#(schema)"."\#($0.description)""# }.joined(separator: ", ")
    }

    /// A model read from one row of a `selectDirect` query (plain column names).
    init(directRow row: any SQLRow, sqlite: Bool = false) throws {
        self.init()
        let output = SQLRowOutput(row: row, sqlite: sqlite)
        for property in directProperties { try property.output(from: output) }
    }
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

extension Database {
    /// `SELECT <all columns of M> FROM <M's table> <rest>`: one statement written as SQL, without
    /// Fluent's query builder. `rest` carries the WHERE/ORDER/LIMIT with bound values only.
    func selectDirect<M: DirectOutput>(_ type: M.Type, _ rest: SQLQueryString) async throws -> [M] {
        // Both drivers CareFlow runs on are SQL databases; anything else must not fall back to a
        // query without `rest`'s conditions (its tenant filter among them).
        guard let sql = self as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let query: SQLQueryString = "SELECT \(unsafeRaw: M.directColumns) FROM \(unsafeRaw: "\"\(M.schema)\"") " + rest
        let sqlite = sql.dialect.name == "sqlite"
        return try await sql.raw(query).all().map { try M(directRow: $0, sqlite: sqlite) }
    }
}

/// A SQL row as Fluent's properties read it: by plain column name.
///
/// On SQLite, the commonest column types are read without sqlite-kit's generic decoder: it
/// decodes an optional through a nested decoder (generic metadata instantiated at run time, 12 %
/// of a patient page) and an id from its text through `UUID(uuidString:)`, which is `sscanf`.
/// `DirectOutputTests` checks every value against Fluent's own decoding.
private struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow
    let sqlite: Bool

    var description: String { "\(row)" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: key.description) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: key.description) }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        let column = key.description
        if sqlite {
            // Types compared by identity with metadata looked up once: written `T.self == UUID?.self`,
            // each comparison asked the runtime for `Optional<UUID>`'s metadata (a locked cache
            // lookup), five times per column per row — 12 % of a patient page's CPU (PROFILE.md).
            let type = ObjectIdentifier(T.self)
            if type == Self.uuid, let id = try id(column) { return unsafeBitCast(id, to: T.self) }
            if type == Self.optionalUUID, let id = try optional(column, id) { return unsafeBitCast(id, to: T.self) }
            if type == Self.optionalString, let text = try optional(column, { try row.decode(column: $0, as: String.self) }) {
                return unsafeBitCast(text, to: T.self)
            }
            if type == Self.optionalDate, let date = try optional(column, { try row.decode(column: $0, as: Date.self) }) {
                return unsafeBitCast(date, to: T.self)
            }
            if type == Self.optionalInt, let number = try optional(column, { try row.decode(column: $0, as: Int.self) }) {
                return unsafeBitCast(number, to: T.self)
            }
        }
        return try row.decode(column: column, as: T.self)
    }

    private static let uuid = ObjectIdentifier(UUID.self)
    private static let optionalUUID = ObjectIdentifier(UUID?.self)
    private static let optionalString = ObjectIdentifier(String?.self)
    private static let optionalDate = ObjectIdentifier(Date?.self)
    private static let optionalInt = ObjectIdentifier(Int?.self)

    /// An id kept as text, read by `UUID(canonical:)`; nil (the generic path decides) otherwise.
    private func id(_ column: String) throws -> UUID? {
        guard let text = try? row.decode(column: column, as: String.self) else { return nil }
        return UUID(canonical: text)
    }

    /// `.some(nil)` for NULL, `.some(value)` when `read` reads it, nil to leave it to the generic path.
    private func optional<V>(_ column: String, _ read: (String) throws -> V?) throws -> V?? {
        if try row.decodeNil(column: column) { return .some(nil) }
        guard let value = try? read(column) else { return nil }
        return .some(value)
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
    static let directColumns = makeDirectColumns()

    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $homeFacilityID, $userID, $mrnSealed, $mrnIndex, $givenNameSealed, $familyNameSealed, $birthDateSealed,
         $birthYear, $sex, $phoneSealed, $phoneIndex, $emailSealed, $emailIndex, $nationalIDSealed, $nationalIDIndex,
         $detailsSealed, $notificationChannels, $deletedAt, $createdAt, $updatedAt]
    }
}

extension User: DirectOutput {
    static let directColumns = makeDirectColumns()

    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $emailSealed, $emailIndex, $displayNameSealed, $passwordHash, $phoneSealed, $locale, $notificationChannels,
         $status, $lastLoginAt, $createdAt, $updatedAt]
    }
}

/// Facilities are looked up on many requests (a facility filter is checked to be the caller
/// tenant's before anything else); Fluent's reflection was ~8 % of an analytics answer.
extension Facility: DirectOutput {
    static let directColumns = makeDirectColumns()

    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $code, $name, $timezone, $address, $active, $createdAt, $updatedAt]
    }
}

/// Invoices are looked up by every batch of payment webhooks (`InvoiceSettlement`), most of
/// which match none: Fluent built the query's column list by reflection each time (5 % of a
/// webhook's CPU, benchmarks/PROFILE.md session 14).
extension Invoice: DirectOutput {
    static let directColumns = makeDirectColumns()

    var directProperties: [any AnyDatabaseProperty] {
        [$id, $tenantID, $facilityID, $patientID, $number, $status, $currency, $subtotal, $tax, $total, $amountPaid, $amountRefunded,
         $appointmentID, $admissionID, $paymentProvider, $providerPaymentID, $checkoutSessionID, $lastEventCreated, $issuedAt, $paidAt,
         $voidedAt, $createdBy, $createdAt, $updatedAt]
    }
}
