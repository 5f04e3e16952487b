import FluentKit
import Foundation

/// The single enforcement point of the policy table. A denial is audited and becomes a 403.
public struct AccessGuard: Sendable {
    let audit: AuditLog

    public init(audit: AuditLog) {
        self.audit = audit
    }

    public func authorize(
        _ principal: Principal, _ action: Action, on target: AccessTarget,
        origin: RequestOrigin, db: any Database
    ) async throws {
        if AccessDecision.isAllowed(principal, action, on: target) { return }
        try await audit.append(
            AuditRecord(
                tenantID: principal.tenantID, facilityID: target.facilityID, actor: principal.auditActor,
                action: .accessDenied, outcome: .denied, targetType: "action", targetID: action.rawValue,
                details: ["target": Self.describe(target)]),
            origin: origin, on: db)
        throw AppError.forbidden("You are not allowed to \(action.rawValue) here")
    }

    static func describe(_ target: AccessTarget) -> String {
        switch target {
        case .platform: "platform"
        case .tenant: "tenant"
        case .facility(let id): "facility:\(id.lowercasedString)"
        case .account(let id): "account:\(id.lowercasedString)"
        case .patient(let p): "patient:\(p.patientID.lowercasedString)"
        }
    }
}
