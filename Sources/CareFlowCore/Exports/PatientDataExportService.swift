import FluentKit
import Foundation

/// `GET /api/v1/patients/{id}/export` (issue 16): authorizes `patient.export` (the patient
/// themself, or an admin where they run the patient's facility; another tenant's patient is a
/// 404, anyone else a 403 with an audit event), then reads each part through the service that
/// owns it, so that part's access rules, key handling and PHI-read audit apply unchanged. The
/// export itself is recorded as `patient.exported` (sections, counts, what was withheld) before
/// the first byte is sent.
public struct PatientDataExportService: Sendable {
    let access: PatientAccess
    let patients: PatientService
    let records: MedicalRecordService
    let notes: VisitNoteService
    let documents: DocumentService
    let appointments: AppointmentService
    let invoices: InvoiceService
    let claims: ClaimService
    let admissions: AdmissionService
    let careSteps: CareStepService
    let prescriptions: PrescriptionService
    let predictions: PredictionService
    let audit: AuditLog

    public init(access: PatientAccess, patients: PatientService, records: MedicalRecordService, notes: VisitNoteService,
                documents: DocumentService, appointments: AppointmentService, invoices: InvoiceService, claims: ClaimService,
                admissions: AdmissionService, careSteps: CareStepService, prescriptions: PrescriptionService,
                predictions: PredictionService, audit: AuditLog) {
        self.access = access
        self.patients = patients
        self.records = records
        self.notes = notes
        self.documents = documents
        self.appointments = appointments
        self.invoices = invoices
        self.claims = claims
        self.admissions = admissions
        self.careSteps = careSteps
        self.prescriptions = prescriptions
        self.predictions = predictions
        self.audit = audit
    }

    public func gather(patientID: UUID, in ctx: RequestContext, now: Date = Date()) async throws -> PatientDataExport {
        let (patient, context) = try await access.authorize(ctx.principal, .patientExport, patientID: patientID, in: ctx.scope,
                                                             origin: ctx.origin)
        let principal = ctx.principal
        // Clinical sections are read only where the caller may read them: asking the service
        // anyway would be refused with a 403 and a denial in the trail, for an export that is allowed.
        let clinical = access.canReadClinical(principal, context)
        let steps = AccessDecision.isAllowed(principal, .careStepRead, on: .patient(context))

        let view = try await patients.read(patientID, in: ctx)
        let records = clinical ? try await Self.all { try await self.records.list(patientID: patientID, in: ctx, page: $0) } : nil
        let notes = clinical ? try await Self.all { try await self.notes.list(patientID: patientID, in: ctx, page: $0) } : nil
        let documents = clinical ? try await Self.all { try await self.documents.list(patientID: patientID, in: ctx, page: $0) } : nil
        if let documents, documents.reduce(Int64(0), { $0 + $1.model.size }) > PatientDataExport.maxDocumentBytes {
            throw AppError.payloadTooLarge
        }
        // Opened before the status line, so a missing or damaged blob is an error answer rather
        // than an archive cut off halfway (each open is the document service's audited read).
        var contents: [DocumentContent] = []
        for document in documents ?? [] {
            contents.append(try await self.documents.content(documentID: try document.model.requireID(), patientID: patientID, in: ctx).1)
        }
        let careSteps = steps
            ? try await Self.all { try await self.careSteps.list(patientID: patientID, status: nil, page: $0, in: ctx) } : nil
        let prescriptions = clinical ? try await Self.all { try await self.prescriptions.list(patientID: patientID, in: ctx, page: $0) } : nil
        let predictions = clinical
            ? try await Self.all { try await self.predictions.list(patientID: patientID, in: ctx, page: $0) } : nil

        let appointments = try await Self.all {
            try await self.appointments.list(AppointmentFilters(patientID: patientID), in: ctx, page: $0, now: now)
        }
        let invoices = try await Self.all { try await self.invoices.list(InvoiceFilters(patientID: patientID), page: $0, in: ctx) }
        let invoiceIDs = invoices.compactMap(\.invoice.id)
        var claimViews: [ClaimView] = []
        for invoiceID in invoiceIDs {
            let listed = try await Self.all { try await self.claims.list(ClaimFilters(invoiceID: invoiceID), page: $0, in: ctx) }
            // The single claim carries its history; the list does not.
            for claim in listed { claimViews.append(try await claims.read(try claim.claim.requireID(), in: ctx)) }
        }
        let refunds = try await Self.refunds(of: invoiceIDs, in: ctx.scope)
        let admissions = try await Self.all {
            try await self.admissions.list(AdmissionFilters(patientID: patientID), page: $0, in: ctx)
        }

        var related = Set<String>()
        for id in (records ?? []).compactMap(\.model.id) { related.insert(id.lowercasedString) }
        for id in (notes ?? []).compactMap(\.model.id) { related.insert(id.lowercasedString) }
        for id in (documents ?? []).compactMap(\.model.id) { related.insert(id.lowercasedString) }
        for id in (careSteps ?? []).compactMap(\.step.id) { related.insert(id.lowercasedString) }
        for id in (prescriptions ?? []).compactMap(\.assessment.id) { related.insert(id.lowercasedString) }
        for id in (predictions ?? []).compactMap(\.assessment.id) { related.insert(id.lowercasedString) }
        for id in appointments.compactMap(\.appointment.id) { related.insert(id.lowercasedString) }
        for id in invoiceIDs { related.insert(id.lowercasedString) }
        for id in claimViews.compactMap(\.claim.id) { related.insert(id.lowercasedString) }
        for id in admissions.compactMap(\.admission.id) { related.insert(id.lowercasedString) }
        let events = try await Self.auditEvents(about: patientID, related: related, in: ctx.scope)

        let export = PatientDataExport(
            patientID: patientID, generatedAt: now, exportedBy: principal, patient: view, records: records, notes: notes,
            documents: documents, documentContents: contents, appointments: appointments, invoices: invoices, refunds: refunds, claims: claimViews,
            admissions: admissions, careSteps: careSteps, prescriptions: prescriptions, predictions: predictions, auditEvents: events)
        var details = export.counts.mapValues(String.init)
        details["withheld"] = export.withheld.map(\.rawValue).joined(separator: ",")
        details["format_version"] = String(PatientDataExport.formatVersion)
        try await audit.append(
            AuditRecord(tenantID: ctx.tenantID, facilityID: patient.homeFacilityID, actor: principal.auditActor, action: .patientExported,
                        targetType: "patient", targetID: patientID.lowercasedString, details: details),
            origin: ctx.origin, on: ctx.db)
        return export
    }

    // MARK: -

    /// Every page of a list, largest pages first asked.
    static func all<Item>(_ fetch: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var cursor: Cursor?
        repeat {
            let page = try await fetch(try PageRequest(limit: PageRequest.maxLimit, cursor: cursor))
            items += page.items
            cursor = try Cursor.decode(page.nextCursor)
        } while cursor != nil
        return items
    }

    /// The refunds of invoices the caller was allowed to list (refunds carry no PHI and no
    /// sealed field; they are read with the invoices they belong to).
    static func refunds(of invoiceIDs: [UUID], in scope: TenantScope) async throws -> [InvoiceRefund] {
        var refunds: [InvoiceRefund] = []
        for chunk in stride(from: 0, to: invoiceIDs.count, by: 500).map({ Array(invoiceIDs[$0..<min($0 + 500, invoiceIDs.count)]) }) {
            refunds += try await scope.query(InvoiceRefund.self).filter(\.$invoiceID ~~ chunk).all()
        }
        return refunds.sorted { ($0.refundedAt, $0.id?.uuidString ?? "") < ($1.refundedAt, $1.id?.uuidString ?? "") }
    }

    /// The tenant's audit events about the patient: those that target the patient, and those
    /// that target one of the items in the export. Ids are asked in chunks (bind limits).
    static func auditEvents(about patientID: UUID, related: Set<String>, in scope: TenantScope) async throws -> [AuditEvent] {
        let chain = AuditLog.chainKey(for: scope.tenantID)
        var events = try await AuditEvent.query(on: scope.db).filter(\.$chain == chain)
            .filter(\.$targetType == "patient").filter(\.$targetID == patientID.lowercasedString).all()
        let ids = related.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            events += try await AuditEvent.query(on: scope.db).filter(\.$chain == chain)
                .filter(\.$targetID ~~ Array(ids[start..<min(start + 500, ids.count)])).all()
        }
        var seen = Set<UUID>()
        return events.filter { seen.insert($0.id ?? UUID()).inserted }.sorted { $0.seq < $1.seq }
    }
}
