import FluentKit
import Foundation

/// Visit notes of a patient: written by doctors of the care team (`visit_note.create`), read by
/// those allowed `patient.read_clinical`; every read is an audited PHI read.
public struct VisitNoteService: Sendable {
    let patients: PatientAccess
    let keyring: Keyring
    let audit: AuditLog

    public init(patients: PatientAccess, keyring: Keyring, audit: AuditLog) {
        self.patients = patients
        self.keyring = keyring
        self.audit = audit
    }

    public struct Draft: Sendable {
        public var body: String
        public var appointmentID: UUID?
        public var sharedWithPatient: Bool

        public init(body: String, appointmentID: UUID?, sharedWithPatient: Bool) {
            self.body = body
            self.appointmentID = appointmentID
            self.sharedWithPatient = sharedWithPatient
        }
    }

    /// A note with its body opened.
    public struct Entry: Sendable {
        public let note: VisitNote
        public let body: String
    }

    public func create(_ draft: Draft, patientID: UUID, in scope: TenantScope, by principal: Principal,
                       origin: RequestOrigin) async throws -> Entry {
        let (_, context) = try await patients.authorize(principal, .visitNoteCreate, patientID: patientID, in: scope, origin: origin)
        try await AppointmentLink.verify(draft.appointmentID, patientID: patientID, in: scope)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let note = VisitNote(
            id: TimeOrderedID.make(), tenantID: scope.tenantID, patientID: patientID, authorID: principal.subjectID,
            appointmentID: draft.appointmentID, bodySealed: try cipher.seal(draft.body), sharedWithPatient: draft.sharedWithPatient)
        try await scope.create(note)
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: context.homeFacilityID, actor: principal.auditActor,
                        action: "visit_note.create", targetType: "visit_note", targetID: note.id!.uuidString.lowercased(),
                        details: ["patient_id": patientID.uuidString.lowercased()]),
            origin: origin, on: scope.db)
        return Entry(note: note, body: draft.body)
    }

    /// Newest first. Audited as one PHI read of the patient's notes.
    public func list(patientID: UUID, in scope: TenantScope, by principal: Principal, origin: RequestOrigin,
                     page: PageRequest) async throws -> Page<Entry> {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        var query = scope.query(VisitNote.self).filter(\.$patientID == patientID).filter(\.$deletedAt == nil)
        if ClinicalAudience.of(principal, for: context) == .patientThemself { query = query.filter(\.$sharedWithPatient == true) }
        let rows = try await NewestFirst.page(query, page)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let entries = try rows.map { Entry(note: $0, body: try cipher.open($0.bodySealed)) }
        try await patients.recordRead(principal, patientID: patientID, what: "visit_notes", facilityID: context.homeFacilityID,
                                      origin: origin, on: scope.db)
        return entries
    }

    public func get(noteID: UUID, patientID: UUID, in scope: TenantScope, by principal: Principal,
                    origin: RequestOrigin) async throws -> Entry {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        guard let note = try await scope.find(VisitNote.self, noteID), note.patientID == patientID, note.deletedAt == nil,
              ClinicalAudience.of(principal, for: context).sees(sharedWithPatient: note.sharedWithPatient)
        else { throw AppError.notFound("Visit note not found") }
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let entry = Entry(note: note, body: try cipher.open(note.bodySealed))
        try await patients.recordRead(principal, patientID: patientID, what: "visit_note:\(noteID.uuidString.lowercased())",
                                      facilityID: context.homeFacilityID, origin: origin, on: scope.db)
        return entry
    }
}
