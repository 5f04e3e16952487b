import FluentKit
import Foundation
import SQLKit

/// GDPR Art. 17 erasure by crypto-shredding. In one transaction: every sealed value about the
/// patient (`PatientSealedColumns`) is re-sealed under the patient's own key, including values
/// written under the tenant's key before patients had keys; then that key is deleted, so none
/// of those values opens with any key that still exists. The identifying blind indexes go too
/// (name tokens, MRN, national id, phone, email, condition codes), the patient's account is
/// disabled and its address, name and phone overwritten, messages to them still in the outbox
/// withdrawn (`PatientMessages`), and a `patient.erased` event is appended. Audit events name patients by id only,
/// so none is changed and the chain still verifies. After the commit the document blobs are
/// deleted from disk and this process forgets the key; other replicas' caches drop it within
/// the keyring's cache lifetime (and every read of the patient answers 410 meanwhile).
public struct PatientErasureService: Sendable {
    let guardian: AccessGuard
    let keyring: Keyring
    let audit: AuditLog
    let revoker: SessionRevoker
    let blobs: DocumentBlobStore

    public init(guardian: AccessGuard, keyring: Keyring, audit: AuditLog, revoker: SessionRevoker, blobs: DocumentBlobStore) {
        self.guardian = guardian
        self.keyring = keyring
        self.audit = audit
        self.revoker = revoker
        self.blobs = blobs
    }

    /// Built from the services the API already holds (no new wiring in `configure`).
    public init(patients: PatientService, staff: StaffService, documents: DocumentService) {
        self.init(guardian: patients.guardian, keyring: patients.keyring, audit: patients.audit,
                  revoker: staff.revoker, blobs: documents.blobs)
    }

    public struct Outcome: Sendable, Equatable {
        public let patientID: UUID
        public let erasedAt: Date
        /// Sealed values re-sealed under the destroyed key.
        public let valuesShredded: Int
        public let documentsDeleted: Int
        /// Outbox messages to the patient not yet sent (deleted), and sent (recipient and text blanked).
        public let messagesWithdrawn: Int
        public let messagesBlanked: Int
    }

    public func erase(_ patientID: UUID, reason: String, in context: RequestContext, now: Date = Date()) async throws -> Outcome {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        if try await scope.query(PatientErasure.self).filter(\.$patientID == patientID).count() > 0 {
            // Erased already: the caller must still hold the right before learning that.
            try await guardian.authorize(principal, .patientErase, on: .tenant, origin: origin, db: scope.db)
            throw AppError.conflict("Patient was already erased")
        }
        // A soft-deleted patient can be erased too (their data is still there); another tenant's is a 404.
        guard let patient = try await scope.find(Patient.self, patientID) else { throw AppError.notFound("Patient not found") }
        // The group admin's right is tenant-wide, so the tenant is the target whatever the patient's facilities.
        try await guardian.authorize(principal, .patientErase, on: .tenant, origin: origin, db: scope.db)
        // Made (if the patient never had one) outside the transaction, so it exists to re-seal under.
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        let tenantCipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let documentIDs = try await scope.query(ClinicalDocument.self).filter(\.$patientID == patientID).all(\.$id)
        // Read while the patient's key still opens them.
        let addresses = try await PatientMessages.addresses(of: patient, opening: cipher, tenantCipher: tenantCipher, in: scope)
        let outcome = try await scope.transaction { tx -> Outcome in
            guard let txSQL = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            let shredded = try await PatientReseal.run(patientID: patientID, tenantID: tx.tenantID, cipher: cipher, everything: true,
                                                       on: txSQL)
            try await removeIndexes(of: patient, tenantCipher: tenantCipher, in: tx, on: txSQL)
            let messages = try await PatientMessages.withdraw(addresses, tenantCipher: tenantCipher, in: tx)
            // Out of every list and search, like a deleted patient; reads answer 410 (`PatientAccess`).
            try await tx.query(Patient.self).filter(\.$id == patientID).set(\.$deletedAt, to: now).update()
            try await tx.query(PatientKey.self).filter(\.$patientID == patientID).delete()
            try await tx.create(PatientErasure(tenantID: tx.tenantID, patientID: patientID, erasedBy: principal.subjectID,
                                               reasonSealed: try tenantCipher.seal(reason), erasedAt: now))
            if let userID = patient.userID {
                try await tx.query(User.self).filter(\.$id == userID).set(\.$status, to: .deactivated).update()
                try await revoker.revokeAll(ofUser: userID, reason: "patient_erased", on: tx.db)
            }
            try await audit.append(
                AuditRecord(tenantID: tx.tenantID, facilityID: patient.homeFacilityID, actor: principal.auditActor, action: .patientErased,
                            targetType: "patient", targetID: patientID.lowercasedString,
                            details: ["values_shredded": String(shredded), "documents": String(documentIDs.count),
                                      "account_disabled": String(patient.userID != nil),
                                      "messages_withdrawn": String(messages.withdrawn), "messages_blanked": String(messages.blanked)]),
                origin: origin, on: tx.db)
            return Outcome(patientID: patientID, erasedAt: now, valuesShredded: shredded, documentsDeleted: documentIDs.count,
                           messagesWithdrawn: messages.withdrawn, messagesBlanked: messages.blanked)
        }
        await keyring.forgetPatient(patientID)
        for id in documentIDs {
            // Unreadable already (their file keys are shredded); deleting frees the space. A failure
            // here leaves only ciphertext nobody can open, so it is not an error of the erasure.
            try? FileManager.default.removeItem(at: blobs.url(tenantID: scope.tenantID, documentID: id))
        }
        return outcome
    }

    /// Blind indexes identify whoever knows the value (a clerk typing a name finds the row), so
    /// they go; the MRN index is required and unique, so it gets a random value instead.
    private func removeIndexes(of patient: Patient, tenantCipher: FieldCipher, in tx: TenantScope, on sql: any SQLDatabase) async throws {
        let patientID = patient.id!
        try await tx.query(PatientNameToken.self).filter(\.$patientID == patientID).delete()
        try await tx.query(PatientCondition.self).filter(\.$patientID == patientID).delete()
        try await sql.raw("""
            UPDATE patients SET mrn_index = \(bind: "erased:" + UUID().lowercasedString), phone_index = NULL, email_index = NULL,
                national_id_index = NULL
            WHERE id = \(bind: patientID) AND tenant_id = \(bind: tx.tenantID)
            """).run()
        if let userID = patient.userID {
            // The account is the tenant's (sealed under its key, rotated with it), so its
            // identifying values are overwritten rather than shredded: a placeholder address
            // (required, and unique per tenant like its index), no name, no phone.
            let placeholder = "erased+\(UUID().lowercasedString)@invalid"
            try await sql.raw("""
                UPDATE users SET email_sealed = \(bind: try tenantCipher.seal(placeholder).token),
                    email_index = \(bind: tenantCipher.index(placeholder, as: .email)), display_name_sealed = NULL, phone_sealed = NULL
                WHERE id = \(bind: userID) AND tenant_id = \(bind: tx.tenantID)
                """).run()
        }
    }
}
