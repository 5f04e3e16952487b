import FluentKit
import Foundation

/// Exports of issue 14: CSV files of patients, appointments, invoices and admissions, streamed
/// in keyset pages, and an invoice as a document (receipt or invoice PDF). Each method checks
/// `export.run` and the dataset's read action, records `export.started` and returns something
/// that reads rows only as it is streamed.
public struct ExportService: Sendable {
    let patients: PatientService
    let analyticsService: AnalyticsService
    let guardian: AccessGuard
    let keyring: Keyring
    let audit: AuditLog
    let batchSize: Int

    public init(patients: PatientService, analytics: AnalyticsService, guardian: AccessGuard, keyring: Keyring, audit: AuditLog,
                batchSize: Int = CSVExport.defaultBatchSize) {
        self.patients = patients
        self.analyticsService = analytics
        self.guardian = guardian
        self.keyring = keyring
        self.audit = audit
        self.batchSize = batchSize
    }

    /// The patient list's rows and filters (`PatientQuery`), demographics only.
    public func patients(_ query: PatientQuery, in context: RequestContext) async throws -> CSVExport {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let reach = try await ExportReach.resolve(principal, reading: .patientRead, facilityFilter: nil, guardian: guardian,
                                                  in: scope, origin: origin)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        var conditions = try await patients.searchConditions(query, principal: principal, cipher: cipher, in: scope, origin: origin)
        if let condition = PatientExportSource.reachCondition(reach, tenantID: scope.tenantID) { conditions.append(condition) }
        return try await start(.patients, PatientExportSource(conditions: conditions, cipher: cipher, scope: scope),
                               filter: ExportFilterDetails.patients(query), in: context)
    }

    public func appointments(_ filters: AppointmentFilters, in context: RequestContext) async throws -> CSVExport {
        let reach = try await reach(.appointmentRead, filters.facilityID, in: context)
        let source = AppointmentExportSource(filters: filters, reach: reach, names: try await nameCipher(context), scope: context.scope)
        return try await start(.appointments, source, filter: filters.auditDetails, in: context)
    }

    public func invoices(_ filters: InvoiceFilters, in context: RequestContext) async throws -> CSVExport {
        let reach = try await reach(.invoiceRead, filters.facilityID, in: context)
        let source = InvoiceExportSource(filters: filters, reach: reach, names: try await nameCipher(context), scope: context.scope)
        return try await start(.invoices, source, filter: filters.auditDetails, in: context)
    }

    public func admissions(_ filters: AdmissionFilters, in context: RequestContext) async throws -> CSVExport {
        let reach = try await reach(.admissionRead, filters.facilityID, in: context)
        let source = AdmissionExportSource(filters: filters, reach: reach, names: try await nameCipher(context), scope: context.scope)
        return try await start(.admissions, source, filter: filters.auditDetails, in: context)
    }

    // MARK: -

    private func reach(_ action: Action, _ facilityID: UUID?, in context: RequestContext) async throws -> ExportReach {
        try await ExportReach.resolve(context.principal, reading: action, facilityFilter: facilityID, guardian: guardian,
                                      in: context.scope, origin: context.origin)
    }

    /// The cipher that opens patient names, or nil when the caller may not read every patient
    /// (then the `patient_name` column is left out).
    private func nameCipher(_ context: RequestContext) async throws -> FieldCipher? {
        guard PatientNames.mayRead(context.principal, tenantID: context.tenantID) else { return nil }
        return try await keyring.cipher(forTenant: context.tenantID, on: context.db)
    }

    private func start(_ dataset: ExportDataset, _ source: any ExportSource, filter: [String: String],
                       in context: RequestContext) async throws -> CSVExport {
        try await ExportAudit.started(dataset, filter: filter, in: context, audit: audit)
        return CSVExport(dataset: dataset, source: source, filter: filter, context: context, audit: audit, batchSize: batchSize)
    }
}
