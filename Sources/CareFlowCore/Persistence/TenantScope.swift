import FluentKit
import SQLKit
import Foundation

/// The database as seen from inside one tenant. Every query it builds is filtered by the
/// tenant's id; a row of another tenant is indistinguishable from a row that does not exist.
public struct TenantScope: Sendable {
    public let tenantID: UUID
    public let db: any Database
    /// The keyed request's claim, marked inside this scope's write transactions.
    public let effect: CommittedEffect?

    public init(tenantID: UUID, db: any Database, effect: CommittedEffect? = nil) {
        self.tenantID = tenantID
        self.db = db
        self.effect = effect
    }

    public func query<M: TenantOwned>(_ type: M.Type) -> QueryBuilder<M> {
        M.query(on: db).filter(M.tenantIDField == tenantID)
    }

    public func find<M: TenantOwned>(_ type: M.Type, _ id: UUID?) async throws -> M? {
        guard let id else { return nil }
        return try await query(type).filter(\M._$id == id).first()
    }

    /// Finds a row of this tenant or fails with a 404 that does not reveal whether the id
    /// exists elsewhere.
    public func require<M: TenantOwned>(_ type: M.Type, _ id: UUID?, name: String) async throws -> M {
        guard let row = try await find(type, id) else { throw AppError.notFound("\(name) not found") }
        return row
    }

    /// `find` for models that decode without reflection (`DirectOutput`): chosen by the
    /// compiler wherever the model type is known to be one.
    func find<M: TenantOwned & DirectOutput>(_ type: M.Type, _ id: UUID?) async throws -> M? {
        guard let id else { return nil }
        return try await db.selectDirect(type, #"WHERE "id" = \#(bind: id) AND "tenant_id" = \#(bind: tenantID) LIMIT 1"#).first
    }

    func require<M: TenantOwned & DirectOutput>(_ type: M.Type, _ id: UUID?, name: String) async throws -> M {
        guard let row = try await find(type, id) else { throw AppError.notFound("\(name) not found") }
        return row
    }

    public func create<M: TenantOwned>(_ model: M) async throws {
        model.tenantID = tenantID
        try await model.create(on: db)
    }

    public func update<M: TenantOwned>(_ model: M) async throws {
        // A bug, never an input: the request fails (500, logged) and nothing is written, but the
        // process, which serves every other tenant too, carries on.
        guard model.tenantID == tenantID else { throw CrossTenantWrite(table: M.schema) }
        try await model.update(on: db)
    }

    /// The same scope on another connection (inside a transaction).
    public func on(_ db: any Database) -> TenantScope {
        TenantScope(tenantID: tenantID, db: db, effect: effect)
    }

    /// A transaction for this tenant. On PostgreSQL it also tells the database which tenant it
    /// works for, so row-level security hides every other tenant's rows from it, even from a
    /// query that forgot its `tenant_id` filter, and refuses to write them.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (TenantScope) async throws -> T) async throws -> T {
        let tenantID = self.tenantID, effect = self.effect
        return try await db.transaction { db in
            try await TenantSessionSetting.apply(tenantID, on: db)
            try await effect?.mark(db)
            return try await body(TenantScope(tenantID: tenantID, db: db, effect: effect))
        }
    }
}

/// A row of one tenant reached another tenant's scope for writing.
public struct CrossTenantWrite: Error, CustomStringConvertible, Equatable {
    public let table: String

    public init(table: String) {
        self.table = table
    }

    public var description: String { "a row of another tenant reached this tenant's scope (\(table))" }
}
