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
        switch kind {
        case .platformAdmin: .platformAdmin(subjectID)
        case .user: .user(subjectID)
        case .system: .system
        }
    }

    /// The operator's command line acting inside one tenant with group-admin powers (imports).
    public static func system(tenantID: UUID) -> Principal {
        Principal(subjectID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), kind: .system, tenantID: tenantID,
                  sessionID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), grants: [RoleGrant(role: .groupAdmin)], amr: [])
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
    case patient(PatientContext)

    var facilityID: UUID? {
        switch self {
        case .facility(let id): id
        case .patient(let p): p.homeFacilityID
        default: nil
        }
    }
}

/// What access decisions need to know about one patient: who cares for them and where they
/// are seen. Built by `PatientAccess` from relationships, appointments and admissions.
public struct PatientContext: Sendable, Equatable {
    public let patientID: UUID
    /// The patient's own account, if any.
    public let userID: UUID?
    public let homeFacilityID: UUID?
    /// Doctors with an active care relationship or a live or past appointment.
    public let doctorIDs: Set<UUID>
    /// Facilities where the patient has an appointment (not cancelled) or an admission, current
    /// or past (`PatientFacilities`).
    public let visitFacilityIDs: Set<UUID>

    public init(patientID: UUID, userID: UUID?, homeFacilityID: UUID?, doctorIDs: Set<UUID>, visitFacilityIDs: Set<UUID>) {
        self.patientID = patientID
        self.userID = userID
        self.homeFacilityID = homeFacilityID
        self.doctorIDs = doctorIDs
        self.visitFacilityIDs = visitFacilityIDs
    }

    public var facilityIDs: Set<UUID> {
        visitFacilityIDs.union(homeFacilityID.map { [$0] } ?? [])
    }
}
