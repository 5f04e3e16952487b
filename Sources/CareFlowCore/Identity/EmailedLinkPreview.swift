import FluentKit
import Foundation

/// What the page behind an emailed link shows before the person acts on it: whose link it is
/// (the organisation, and for an invitation the address invited and the facility). Reading a
/// link does not consume it: mail scanners open links too, so only the posted form acts. An
/// unusable link answers exactly as the act would (`410`, one message for unknown, used and
/// expired), so the page can say so before anyone types a password.
public struct EmailedLinkPreview: Sendable, Equatable {
    public let tenantName: String
    public let tenantSlug: String
    /// The facility an invitation is for; nil for tenant-wide ones and other links.
    public let facilityName: String?
    /// The invited address (an invitation only: reset and verification pages do not repeat an
    /// account's address to whoever holds the link).
    public let email: String?
}

extension EmailedLink {
    static func preview(token: String, purpose: Invitation.Purpose, invalid: AppError, now: Date, on db: any Database,
                        revealing keyring: Keyring? = nil) async throws -> EmailedLinkPreview {
        let opened = try await open(token: token, purpose: purpose, invalid: invalid, now: now, on: db)
        var facilityName: String?
        if let facilityID = opened.link.facilityID { facilityName = try await opened.scope.find(Facility.self, facilityID)?.name }
        var email: String?
        if let keyring {
            let cipher = try await keyring.cipher(forTenant: opened.tenant.id, on: db)
            let address: String = try cipher.open(opened.user.emailSealed)
            email = address
        }
        return EmailedLinkPreview(tenantName: opened.tenant.name, tenantSlug: opened.tenant.slug, facilityName: facilityName, email: email)
    }
}

extension InvitationService {
    /// The invitation behind `token`, not accepted.
    public func preview(token: String, now: Date = Date()) async throws -> EmailedLinkPreview {
        try await EmailedLink.preview(token: token, purpose: .invitation, invalid: AppError.gone("This invitation link is invalid, used or expired"),
                                      now: now, on: db, revealing: keyring)
    }
}

extension PasswordResetService {
    /// The reset link behind `token`, not used.
    public func preview(token: String, now: Date = Date()) async throws -> EmailedLinkPreview {
        try await EmailedLink.preview(token: token, purpose: .passwordReset, invalid: AppError.gone("This reset link is invalid, used or expired"),
                                      now: now, on: db)
    }
}

extension SignupService {
    /// The verification link behind `token`, not used. An account already active has nothing
    /// left to verify: the same answer as `verifyEmail` gives.
    public func previewVerification(token: String, now: Date = Date()) async throws -> EmailedLinkPreview {
        let invalid = AppError.gone("This verification link is invalid, used or expired")
        let opened = try await EmailedLink.open(token: token, purpose: .emailVerification, invalid: invalid, now: now, on: db)
        guard opened.user.status == .invited else { throw invalid }
        return EmailedLinkPreview(tenantName: opened.tenant.name, tenantSlug: opened.tenant.slug, facilityName: nil, email: nil)
    }
}
