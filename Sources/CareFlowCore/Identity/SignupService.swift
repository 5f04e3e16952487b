import FluentKit
import Foundation

/// Patient self-registration where the tenant file allows it (`patient_self_signup: true`),
/// and the email verification that activates the account.
///
/// No account oracle: an address that already has an account gets the same answer, after the
/// same bcrypt work; its owner is told by email instead ("you already have an account").
public struct SignupService: Sendable {
    let db: any Database
    let hasher: any PasswordHasher
    let outbox: Outbox
    let audit: AuditLog
    let keyring: Keyring
    let tenants: TenantDirectory
    let patients: PatientService
    /// Where the links point, e.g. `https://care.example.org`.
    let publicURL: String
    public let verificationLifetime: TimeInterval
    /// New and taken addresses answer after the same time.
    let floor: AnswerFloor

    public init(db: any Database, hasher: any PasswordHasher, outbox: Outbox, audit: AuditLog, keyring: Keyring,
                tenants: TenantDirectory, patients: PatientService, publicURL: String, verificationLifetime: TimeInterval = 24 * 3600,
                answerFloor: Duration = .milliseconds(200)) {
        self.floor = AnswerFloor(answerFloor)
        self.db = db
        self.hasher = hasher
        self.outbox = outbox
        self.audit = audit
        self.keyring = keyring
        self.tenants = tenants
        self.patients = patients
        self.publicURL = publicURL
        self.verificationLifetime = verificationLifetime
    }

    public static let notEnabled = AppError.forbidden("Self-signup is not enabled for this tenant")

    /// Creates the unverified account (status `invited`: it cannot log in), its `patient` role,
    /// its patient record and the verification email, all in one transaction.
    public func signup(_ request: SignupRequest, origin: RequestOrigin, now: Date = Date()) async throws {
        // Unknown, suspended and not-opted-in tenants answer alike.
        guard let config = tenants[request.tenantSlug], config.patientSelfSignup,
              let tenant = try await Tenant.find(slug: request.tenantSlug, on: db),
              tenant.status == .active, tenant.id != nil
        else { throw Self.notEnabled }
        let problems = PasswordPolicy.problems(with: request.password, email: request.email)
        if !problems.isEmpty { throw AppError.validation(problems.map { FieldError(field: "password", reason: $0) }) }
        // Hashed before looking the address up, so a taken address costs the same time.
        let hash = try await hasher.hash(request.password)
        try await floor.run { try await register(request, hash: hash, tenant: tenant, origin: origin, now: now) }
    }

    private func register(_ request: SignupRequest, hash: String, tenant: Tenant, origin: RequestOrigin, now: Date) async throws {
        let tenantID = tenant.id!
        let cipher = try await keyring.cipher(forTenant: tenantID, on: db)
        let scope = TenantScope(tenantID: tenantID, db: db)
        let directory = UserDirectory(scope: scope, cipher: cipher)
        if let existing = try await directory.find(email: request.email) {
            return try await tellExistingOwner(existing, tenant: tenant, email: request.email, origin: origin)
        }
        let token = SecureToken.generate()
        let email = BlindIndexKind.email.normalise(request.email)
        let input = PatientInput(givenName: request.givenName, familyName: request.familyName, birthDate: request.birthDate,
                                 sex: .unknown, phone: request.phone, email: email)
        let message = OutgoingEmail(
            to: email, subject: "Confirm your CareFlow account",
            body: """
                Welcome to CareFlow at \(tenant.name).

                Confirm your email address to activate your account (the link works once and expires in \(Int(verificationLifetime / 3600)) hours):
                \(publicURL)/console/verify-email?token=\(token)

                If you did not sign up, ignore this message: without confirmation the account cannot be used.
                """)
        let (outbox, patients, lifetime) = (self.outbox, self.patients, verificationLifetime)
        do {
            try await scope.auditedWrite(by: audit, origin: origin) { scope in
                let user = try await directory.on(scope.db).create(
                    email: email, displayName: "\(request.givenName) \(request.familyName)", status: .invited, passwordHash: hash)
                try await scope.create(RoleAssignment(tenantID: tenantID, userID: user.id!, role: .patient, facilityID: nil, grantedBy: nil))
                let patient = try await patients.registerSelf(input, account: user.id!, cipher: cipher, in: scope)
                try await scope.create(Invitation(tenantID: tenantID, userID: user.id!, facilityID: nil, tokenHash: SecureToken.digest(token),
                                                  purpose: .emailVerification, invitedBy: nil, expiresAt: now.addingTimeInterval(lifetime)))
                try await outbox.enqueue(.email(message), in: scope)
                let event = AuditRecord(tenantID: tenantID, actor: .user(user.id!), action: .authSignup, targetType: "user",
                                        targetID: user.id!.lowercasedString,
                                        details: ["effect": "verification_sent", "patient_id": patient.id!.lowercasedString])
                return event
            }
        } catch let error where (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same address registered a moment ago by a concurrent request (the unique
            // email index decided): answer as for any taken address.
            guard let existing = try await directory.find(email: request.email) else { throw error }
            return try await tellExistingOwner(existing, tenant: tenant, email: request.email, origin: origin)
        }
    }

    /// The caller learns nothing; the address's owner learns someone tried.
    private func tellExistingOwner(_ user: User, tenant: Tenant, email: String, origin: RequestOrigin) async throws {
        let scope = TenantScope(tenantID: tenant.id!, db: db)
        let message = OutgoingEmail(
            to: BlindIndexKind.email.normalise(email), subject: "You already have a CareFlow account",
            body: """
                Someone (perhaps you) tried to create a CareFlow account at \(tenant.name) with this email address.

                You already have an account. If you forgot your password, use "Forgot password" on the sign-in page.
                If this was not you, you can ignore this message: nothing was changed.
                """)
        let outbox = self.outbox
        let record = AuditRecord(tenantID: tenant.id, actor: .anonymous, action: .authSignup, outcome: .failure, targetType: "user",
                                 targetID: try user.requireID().lowercasedString,
                                 details: ["reason": "existing_account", "effect": "owner_notified"])
        // The owner's notice and its event commit together.
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            _ = try await outbox.enqueue(.email(message), in: scope)
            return record
        }
    }

    /// Activates the account of a verification link. The link works once.
    public func verifyEmail(token: String, origin: RequestOrigin, now: Date = Date()) async throws {
        let invalid = AppError.gone("This verification link is invalid, used or expired")
        let opened = try await EmailedLink.open(token: token, purpose: .emailVerification, invalid: invalid, now: now, on: db)
        let (link, user) = (opened.link, opened.user)
        guard user.status == .invited else { throw invalid }
        let event = AuditRecord(tenantID: link.tenantID, actor: .user(user.id!), action: .authEmailVerified, targetType: "user",
                                targetID: user.id!.lowercasedString)
        try await opened.redeem(invalid: invalid, now: now, auditing: event, by: audit, origin: origin) { user, _ in
            user.status = .active
        }
    }
}
