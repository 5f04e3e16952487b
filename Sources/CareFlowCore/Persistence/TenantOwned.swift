import FluentKit
import Foundation

/// A model whose rows belong to exactly one tenant. Only `TenantScope` queries these, so the
/// `tenant_id` filter is applied in one place and never remembered handler by handler.
public protocol TenantOwned: Model where IDValue == UUID {
    static var tenantIDField: KeyPath<Self, FieldProperty<Self, UUID>> { get }
    var tenantID: UUID { get set }
}
