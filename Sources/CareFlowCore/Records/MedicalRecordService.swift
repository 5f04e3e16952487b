import FluentKit
import Foundation

/// Medical records of a patient: written by doctors of the care team and nurses of the
/// patient's facilities (`patient.update_clinical`), read by those allowed
/// `patient.read_clinical`; every read is an audited PHI read.
public struct MedicalRecordService: Sendable {
    let patients: PatientAccess
    let keyring: Keyring
    let audit: AuditLog

    public init(patients: PatientAccess, keyring: Keyring, audit: AuditLog) {
        self.patients = patients
        self.keyring = keyring
        self.audit = audit
    }

    public struct Draft: Sendable {
        public var kind: MedicalRecord.Kind
        public var title: String
        public var body: String
        public var appointmentID: UUID?
        public var sharedWithPatient: Bool

        public init(kind: MedicalRecord.Kind, title: String, body: String, appointmentID: UUID?, sharedWithPatient: Bool) {
            self.kind = kind
            self.title = title
            self.body = body
            self.appointmentID = appointmentID
            self.sharedWithPatient = sharedWithPatient
        }
    }

    /// A record with its title and body opened.
    public struct Entry: Sendable {
        public let record: MedicalRecord
        public let title: String
        public let body: String
    }

    public func create(_ draft: Draft, patientID: UUID, in scope: TenantScope, by principal: Principal,
                       origin: RequestOrigin) async throws -> Entry {
        let (_, context) = try await patients.authorize(principal, .patientUpdateClinical, patientID: patientID, in: scope, origin: origin)
        try await AppointmentLink.verify(draft.appointmentID, patientID: patientID, in: scope)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let record = MedicalRecord(
            id: TimeOrderedID.make(), tenantID: scope.tenantID, patientID: patientID, authorID: principal.subjectID,
            appointmentID: draft.appointmentID, kind: draft.kind, titleSealed: try cipher.seal(draft.title),
            bodySealed: try cipher.seal(draft.body), sharedWithPatient: draft.sharedWithPatient)
        try await scope.create(record)
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: context.homeFacilityID, actor: principal.auditActor,
                        action: "medical_record.create", targetType: "medical_record", targetID: record.id!.uuidString.lowercased(),
                        details: ["patient_id": patientID.uuidString.lowercased(), "kind": draft.kind.rawValue]),
            origin: origin, on: scope.db)
        return Entry(record: record, title: draft.title, body: draft.body)
    }

    /// Newest first. Audited as one PHI read of the patient's records.
    public func list(patientID: UUID, in scope: TenantScope, by principal: Principal, origin: RequestOrigin,
                     page: PageRequest) async throws -> Page<Entry> {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        var query = scope.query(MedicalRecord.self).filter(\.$patientID == patientID).filter(\.$deletedAt == nil)
        if ClinicalAudience.of(principal, for: context) == .patientThemself { query = query.filter(\.$sharedWithPatient == true) }
        let rows = try await NewestFirst.page(query, page)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let entries = try rows.map { try open($0, with: cipher) }
        try await patients.recordRead(principal, patientID: patientID, what: "medical_records", facilityID: context.homeFacilityID,
                                      origin: origin, on: scope.db)
        return entries
    }

    public func get(recordID: UUID, patientID: UUID, in scope: TenantScope, by principal: Principal,
                    origin: RequestOrigin) async throws -> Entry {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        guard let record = try await scope.find(MedicalRecord.self, recordID), record.patientID == patientID, record.deletedAt == nil,
              ClinicalAudience.of(principal, for: context).sees(sharedWithPatient: record.sharedWithPatient)
        else { throw AppError.notFound("Medical record not found") }
        let entry = try open(record, with: try await keyring.cipher(forTenant: scope.tenantID, on: scope.db))
        try await patients.recordRead(principal, patientID: patientID, what: "medical_record:\(recordID.uuidString.lowercased())",
                                      facilityID: context.homeFacilityID, origin: origin, on: scope.db)
        return entry
    }

    private func open(_ record: MedicalRecord, with cipher: FieldCipher) throws -> Entry {
        Entry(record: record, title: try cipher.open(record.titleSealed), body: try cipher.open(record.bodySealed))
    }
}
