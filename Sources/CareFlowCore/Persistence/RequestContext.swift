import FluentKit
import Foundation

/// Who is asking, inside which tenant, and from where: everything a tenant service needs to
/// authorize a call, scope its queries and audit it. The API layer builds one per request
/// (`Request.context()`); services take it instead of three separate parameters.
public struct RequestContext: Sendable {
    public let scope: TenantScope
    public let principal: Principal
    public let origin: RequestOrigin

    public init(scope: TenantScope, principal: Principal, origin: RequestOrigin) {
        self.scope = scope
        self.principal = principal
        self.origin = origin
    }

    public var tenantID: UUID { scope.tenantID }
    public var db: any Database { scope.db }

    /// The same caller on another connection (inside a transaction).
    public func on(_ db: any Database) -> RequestContext {
        RequestContext(scope: scope.on(db), principal: principal, origin: origin)
    }
}
