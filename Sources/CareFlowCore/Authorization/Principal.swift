import Foundation

/// The authenticated caller of a request, as established from a verified access token whose
/// session is still live.
public struct Principal: Sendable, Equatable {
    public let subjectID: UUID
    public let kind: SubjectKind
    /// Nil only for platform admins.
    public let tenantID: UUID?
    public let sessionID: UUID
    public let grants: [RoleGrant]
    public let amr: [String]
    /// An admin who must enrol TOTP before doing anything else.
    public let enrolmentOnly: Bool

    public init(subjectID: UUID, kind: SubjectKind, tenantID: UUID?, sessionID: UUID, grants: [RoleGrant], amr: [String],
                enrolmentOnly: Bool = false) {
        self.enrolmentOnly = enrolmentOnly
        self.subjectID = subjectID
        self.kind = kind
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.grants = grants
        self.amr = amr
    }

    public var auditActor: AuditActor {
        kind == .platformAdmin ? .platformAdmin(subjectID) : .user(subjectID)
    }

    public func holds(_ role: Role, at facilityID: UUID? = nil) -> Bool {
        grants.contains { $0.role == role && (facilityID == nil || $0.facilityID == facilityID) }
    }
}

/// What an action is applied to, for the scope check.
public enum AccessTarget: Sendable, Equatable {
    case platform
    case tenant
    case facility(UUID)
    case account(UUID)

    var facilityID: UUID? {
        if case .facility(let id) = self { return id }
        return nil
    }
}
