import FluentKit
import Foundation

/// A hospital group: the hard isolation boundary. Its settings live in `tenants/<slug>.yaml`.
public final class Tenant: Model, @unchecked Sendable {
    public static let schema = "tenants"

    public enum Status: String, Codable, Sendable { case active, suspended }

    @ID(key: .id) public var id: UUID?
    @Field(key: "slug") public var slug: String
    @Field(key: "name") public var name: String
    @Field(key: "status") public var status: Status
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, slug: String, name: String, status: Status = .active) {
        self.id = id
        self.slug = slug
        self.name = name
        self.status = status
    }
}

extension Tenant {
    /// The tenant with this slug, whatever its status (callers that serve only active tenants
    /// check `status`); nil when there is none. The one lookup by slug: routes, services and
    /// commands name tenants by slug.
    public static func find(slug: String, on db: any Database) async throws -> Tenant? {
        try await Tenant.query(on: db).filter(\.$slug == slug).first()
    }
}
