import Foundation

/// Who did something: a tenant user, a platform admin, the system itself (CLI, worker), or an
/// anonymous caller (a failed login).
public enum AuditActor: Sendable, Equatable {
    case user(UUID)
    case platformAdmin(UUID)
    case system
    case anonymous

    var kind: String {
        switch self {
        case .user: "user"
        case .platformAdmin: "platform_admin"
        case .system: "system"
        case .anonymous: "anonymous"
        }
    }

    var id: UUID? {
        switch self {
        case .user(let id), .platformAdmin(let id): id
        case .system, .anonymous: nil
        }
    }
}

public enum AuditOutcome: String, Sendable, Codable, CaseIterable {
    case success, denied, failure
}

/// What the caller asks the audit log to record. The log adds sequence, time and hashes.
public struct AuditRecord: Sendable {
    public var tenantID: UUID?
    public var facilityID: UUID?
    public var actor: AuditActor
    public var action: AuditAction
    public var outcome: AuditOutcome
    public var targetType: String?
    public var targetID: String?
    public var details: [String: String]

    public init(
        tenantID: UUID?, facilityID: UUID? = nil, actor: AuditActor, action: AuditAction,
        outcome: AuditOutcome = .success, targetType: String? = nil, targetID: String? = nil,
        details: [String: String] = [:]
    ) {
        self.tenantID = tenantID
        self.facilityID = facilityID
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.targetType = targetType
        self.targetID = targetID
        self.details = details
    }
}

/// Where a request came from; attached to every audit event written while serving it.
public struct RequestOrigin: Sendable, Equatable {
    public var requestID: String?
    public var ip: String?

    public init(requestID: String? = nil, ip: String? = nil) {
        self.requestID = requestID
        self.ip = ip
    }

    public static let none = RequestOrigin()
}
