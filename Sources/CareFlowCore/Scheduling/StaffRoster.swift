import FluentKit
import Foundation

/// Who works where, as the scheduling services need to know it: a doctor is a user holding the
/// `doctor` role at a facility; staff are users holding any facility role there.
struct StaffRoster {
    let scope: TenantScope

    /// A user of this tenant who is a doctor somewhere in it; anyone else is "not found".
    func requireDoctor(_ doctorID: UUID) async throws -> User {
        guard let user = try await scope.find(User.self, doctorID), user.status != .deactivated,
              try await scope.query(RoleAssignment.self).filter(\.$userID == doctorID).filter(\.$role == .doctor).first() != nil
        else { throw AppError.notFound("Doctor not found") }
        return user
    }

    func isDoctor(_ doctorID: UUID, at facilityID: UUID) async throws -> Bool {
        try await roles(of: doctorID, at: facilityID).contains(.doctor)
    }

    func roles(of userID: UUID, at facilityID: UUID) async throws -> [Role] {
        try await scope.query(RoleAssignment.self).filter(\.$userID == userID).filter(\.$facilityID == facilityID).all().map(\.role)
    }

    /// A member of the facility's staff (any role held there), or "not found".
    @discardableResult
    func requireStaff(_ userID: UUID, at facilityID: UUID) async throws -> (User, [Role]) {
        let roles = try await roles(of: userID, at: facilityID)
        guard !roles.isEmpty, let user = try await scope.find(User.self, userID), user.status != .deactivated else {
            throw AppError.notFound("Staff member not found")
        }
        return (user, roles)
    }

    /// The facility's zone; a facility saved with an unknown identifier falls back to UTC
    /// rather than failing every schedule query.
    static func timeZone(of facility: Facility) -> TimeZone {
        NamedTimeZone(configured: facility.timezone).zone
    }
}
