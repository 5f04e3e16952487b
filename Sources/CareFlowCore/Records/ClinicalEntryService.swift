import FluentKit
import Foundation

/// A patient's clinical entries of one kind (`ClinicalEntryKind`: records, visit notes,
/// documents). Every call first authorizes the caller on the patient (a denial is a 403 and an
/// audit event; another tenant's or a deleted patient is a 404); the patient themself sees only
/// what was shared with them (`ClinicalAudience`); PHI is sealed under the patient's data key;
/// every write is an audit event and every read an audited PHI read (PRODUCT §1, §12).
public struct ClinicalEntryService<Kind: ClinicalEntryKind>: Sendable {
    let patients: PatientAccess
    let keyring: Keyring
    let audit: AuditLog
    /// Runs in the new entry's transaction (a visit note queues its step extraction there), so
    /// what it writes exists if and only if the entry does.
    let onCreate: (@Sendable (Kind.Model, RequestContext) async throws -> Void)?

    public init(patients: PatientAccess, keyring: Keyring, audit: AuditLog,
                onCreate: (@Sendable (Kind.Model, RequestContext) async throws -> Void)? = nil) {
        self.patients = patients
        self.keyring = keyring
        self.audit = audit
        self.onCreate = onCreate
    }

    /// What the author submits: the content and where the entry belongs.
    public struct Draft: Sendable {
        public var content: Kind.Content
        public var appointmentID: UUID?
        public var sharedWithPatient: Bool

        public init(content: Kind.Content, appointmentID: UUID?, sharedWithPatient: Bool) {
            self.content = content
            self.appointmentID = appointmentID
            self.sharedWithPatient = sharedWithPatient
        }
    }

    /// An entry with its content opened.
    public struct Entry: Sendable {
        public let model: Kind.Model
        public let content: Kind.Content
    }

    /// Newest first. Audited as one PHI read of the patient's entries of this kind.
    public func list(patientID: UUID, in ctx: RequestContext, page: PageRequest) async throws -> Page<Entry> {
        let patient = try await authorize(Kind.readAction, patientID: patientID, in: ctx)
        var query = ctx.scope.query(Kind.Model.self)
            .filter(Kind.Model.patientIDField == patientID).filter(Kind.Model.deletedAtField == nil)
        if ClinicalAudience.of(ctx.principal, for: patient) == .patientThemself {
            query = query.filter(Kind.Model.sharedWithPatientField == true)
        }
        let rows = try await NewestFirst.page(query, page)
        let cipher = try await cipher(for: ctx, patientID: patientID)
        let entries = try rows.map { Entry(model: $0, content: try Kind.open($0, with: cipher)) }
        try await patients.recordRead(ctx.principal, patientID: patientID, what: Kind.listRead, facilityID: patient.homeFacilityID,
                                      origin: ctx.origin, on: ctx.db)
        return entries
    }

    /// One entry, audited as a PHI read of that entry.
    public func get(_ entryID: UUID, patientID: UUID, in ctx: RequestContext) async throws -> Entry {
        try await read(entryID, patientID: patientID, in: ctx) { _, _ in }.entry
    }

    /// One entry the caller may see, and what `also` derives from it (a document's content).
    /// `also` runs before the read is recorded, so a read that fails leaves no `phi.read`.
    func read<Also>(_ entryID: UUID, patientID: UUID, in ctx: RequestContext,
                    also: (Kind.Model, FieldCipher) async throws -> Also) async throws -> (entry: Entry, also: Also) {
        let patient = try await authorize(Kind.readAction, patientID: patientID, in: ctx)
        let model = try await live(entryID, patientID: patientID, in: ctx)
        // Hidden from the patient is the same answer as missing: its existence is not theirs to know.
        guard ClinicalAudience.of(ctx.principal, for: patient).sees(sharedWithPatient: model.sharedWithPatient) else {
            throw AppError.notFound(Kind.notFound)
        }
        let cipher = try await cipher(for: ctx, patientID: patientID)
        let entry = Entry(model: model, content: try Kind.open(model, with: cipher))
        let derived = try await also(model, cipher)
        try await patients.recordRead(ctx.principal, patientID: patientID, what: "\(Kind.targetType):\(entryID.lowercasedString)",
                                      facilityID: patient.homeFacilityID, origin: ctx.origin, on: ctx.db)
        return (entry, derived)
    }

    // MARK: - Steps shared with kinds that write differently (documents)

    /// The patient's context once `ctx`'s caller is allowed `action` on them.
    func authorize(_ action: Action, patientID: UUID, in ctx: RequestContext) async throws -> PatientContext {
        try await patients.authorize(ctx.principal, action, patientID: patientID, in: ctx.scope, origin: ctx.origin).1
    }

    /// An entry of this patient that is not deleted. Another tenant's, another patient's and a
    /// deleted entry all get the same 404.
    func live(_ entryID: UUID, patientID: UUID, in ctx: RequestContext) async throws -> Kind.Model {
        guard let model = try await ctx.scope.find(Kind.Model.self, entryID), model.patientID == patientID, model.deletedAt == nil
        else { throw AppError.notFound(Kind.notFound) }
        return model
    }

    /// The patient's own cipher (crypto-shredding): it opens entries written before patients had
    /// keys too.
    func cipher(for ctx: RequestContext, patientID: UUID) async throws -> FieldCipher {
        try await keyring.cipher(forPatient: patientID, tenantID: ctx.tenantID, on: ctx.db)
    }

    /// The audit event of a write to one entry; `details` never carry PHI.
    func writeEvent(_ action: AuditAction, entryID: UUID, patientID: UUID, details: [String: String], facilityID: UUID?,
                    in ctx: RequestContext) -> AuditRecord {
        var details = details
        details["patient_id"] = patientID.lowercasedString
        return AuditRecord(tenantID: ctx.tenantID, facilityID: facilityID, actor: ctx.principal.auditActor, action: action,
                           targetType: Kind.targetType, targetID: entryID.lowercasedString, details: details)
    }

    /// Appends `writeEvent`'s event on `ctx`'s connection (inside the write's transaction).
    func recordWrite(_ action: AuditAction, entryID: UUID, patientID: UUID, details: [String: String], facilityID: UUID?,
                     in ctx: RequestContext) async throws {
        try await audit.append(writeEvent(action, entryID: entryID, patientID: patientID, details: details, facilityID: facilityID, in: ctx),
                               origin: ctx.origin, on: ctx.db)
    }
}

extension ClinicalEntryService where Kind.Model: AuthoredClinicalEntry {
    /// Writes a new entry by `ctx`'s caller. A linked appointment must be one of this patient.
    public func create(_ draft: Draft, patientID: UUID, in ctx: RequestContext) async throws -> Entry {
        let patient = try await authorize(Kind.writeAction, patientID: patientID, in: ctx)
        try await AppointmentLink.verify(draft.appointmentID, patientID: patientID, in: ctx.scope)
        let cipher = try await cipher(for: ctx, patientID: patientID)
        let id = TimeOrderedID.make()
        let model = Kind.Model()
        model.id = id
        model.patientID = patientID
        model.authorID = ctx.principal.subjectID
        model.appointmentID = draft.appointmentID
        model.sharedWithPatient = draft.sharedWithPatient
        try Kind.seal(draft.content, into: model, with: cipher)
        guard let onCreate else {
            try await ctx.scope.auditedWrite(by: audit, origin: ctx.origin) { scope in
                try await scope.create(model)
                return writeEvent(Kind.createAction, entryID: id, patientID: patientID, details: Kind.auditDetails(of: model),
                                  facilityID: patient.homeFacilityID, in: ctx)
            }
            return Entry(model: model, content: draft.content)
        }
        try await ctx.scope.transaction { scope in
            let tx = ctx.on(scope.db)
            // The insert first: on SQLite the transaction then holds the write lock before it reads.
            try await tx.scope.create(model)
            try await recordWrite(Kind.createAction, entryID: id, patientID: patientID, details: Kind.auditDetails(of: model),
                                  facilityID: patient.homeFacilityID, in: tx)
            try await onCreate(model, tx)
        }
        return Entry(model: model, content: draft.content)
    }
}
