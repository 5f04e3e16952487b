import FluentKit
import Foundation
import SQLKit

/// Admitting and discharging patients (issue 14). A bed holds one patient and a patient one bed
/// at a time: two partial unique indexes over current admissions decide between concurrent
/// requests, and their refusal is a 409 here; the checks before the insert only give the common
/// case a precise answer. The admission row and its audit event commit together or not at all.
public struct AdmissionService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring
    let patients: PatientAccess

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring, patients: PatientAccess) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
        self.patients = patients
    }

    /// How far in the future a client's clock may put `admitted_at` or `discharged_at`: clocks
    /// drift, a time beyond this is a mistake.
    public static let clockSkew: TimeInterval = 5 * 60

    public func admit(_ request: AdmissionRequest, in ctx: RequestContext, now: Date = Date()) async throws -> VisibleAdmission {
        let scope = ctx.scope
        let context = try await patients.context(of: request.patientID, in: scope).1
        _ = try await scope.require(Facility.self, request.facilityID, name: "Facility")
        try await guardian.authorize(ctx.principal, .admissionManage, on: .facility(request.facilityID), origin: ctx.origin, db: ctx.db)
        try await Self.authorizeReach(ctx, to: context, admittingAt: request.facilityID, guardian: guardian)
        let ward = try await scope.require(Ward.self, request.wardID, name: "Ward")
        var problems: [FieldError] = []
        if ward.facilityID != request.facilityID {
            problems.append(FieldError(field: "ward_id", reason: "is not a ward of this facility"))
        } else if let bed = request.bed, bed > ward.beds {
            problems.append(FieldError(field: "bed", reason: "must be between 1 and \(ward.beds), the beds of this ward"))
        }
        let admittedAt = request.admittedAt ?? now
        if admittedAt > now.addingTimeInterval(Self.clockSkew) {
            problems.append(FieldError(field: "admitted_at", reason: "must not be in the future"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        if try await currentAdmission(of: request.patientID, in: scope) != nil { throw Self.alreadyAdmitted }
        // A back-entered stay must not overlap one already recorded, or occupancy would count a
        // patient or a bed twice for that stretch.
        if try await scope.query(Admission.self).filter(\.$patientID == request.patientID).filter(\.$dischargedAt > admittedAt).count() > 0 {
            throw AppError.conflict("The patient was in another admission at admitted_at")
        }
        let heldSince = Set(try await scope.query(Admission.self).filter(\.$wardID == ward.id!).filter(\.$dischargedAt > admittedAt)
            .all(\.$bed))
        if let bed = request.bed, heldSince.contains(bed) { throw AppError.conflict("The bed was occupied at admitted_at") }

        // The reason is the patient's: sealed under their own key.
        let cipher = try await keyring.cipher(forPatient: request.patientID, tenantID: scope.tenantID, on: ctx.db)
        let reasonSealed = try cipher.seal(request.reason)
        // Without a bed the lowest free one is taken; losing it to a concurrent admission means
        // trying the next, at most once per bed of the ward.
        for _ in 0...ward.beds {
            let bed: Int
            if let chosen = request.bed {
                bed = chosen
            } else {
                let occupied = try await occupiedBeds(of: ward.id!, in: scope).union(heldSince)
                guard let free = BedChoice.lowestFree(beds: ward.beds, occupied: occupied) else { throw Self.wardFull }
                bed = free
            }
            let admission = Admission()
            admission.id = TimeOrderedID.make()
            admission.facilityID = request.facilityID
            admission.wardID = ward.id!
            admission.patientID = request.patientID
            admission.bed = bed
            admission.status = .current
            admission.admittedAt = admittedAt
            admission.reasonSealed = reasonSealed
            admission.admittedBy = ctx.principal.subjectID
            do {
                try await insert(admission, in: ctx)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // A concurrent admission won the bed or admitted this patient first.
                if try await currentAdmission(of: request.patientID, in: scope) != nil { throw Self.alreadyAdmitted }
                if request.bed != nil { throw Self.bedTaken }
                continue
            }
            return try await open(admission, base: context, for: ctx.principal, cipher: cipher, in: scope)
        }
        throw Self.wardFull
    }

    /// The insert and its audit event in one transaction. The insert comes first, so on SQLite
    /// the transaction holds the write lock before it reads; the ward is then read `FOR SHARE`
    /// (PostgreSQL) so a concurrent resize cannot remove the bed under the new admission.
    private func insert(_ admission: Admission, in ctx: RequestContext) async throws {
        let audit = self.audit
        try await ctx.scope.writeTransaction { tx in
            try await tx.create(admission)
            try await WardService.lock(admission.wardID, shared: true, on: tx.db)
            guard let ward = try await tx.find(Ward.self, admission.wardID) else { throw AppError.notFound("Ward not found") }
            if admission.bed > ward.beds {
                throw AppError.invalid("bed", "must be between 1 and \(ward.beds), the beds of this ward")
            }
            try await audit.append(
                AuditRecord(tenantID: tx.tenantID, facilityID: admission.facilityID, actor: ctx.principal.auditActor,
                            action: .admissionCreate, targetType: "admission", targetID: admission.id!.lowercasedString,
                            details: ["patient_id": admission.patientID.lowercasedString,
                                      "ward_id": admission.wardID.lowercasedString, "bed": String(admission.bed)]),
                origin: ctx.origin, on: tx.db)
        }
    }

    /// Ends a current admission; the bed is free from this moment. A second discharge, also one
    /// racing this one, is a 409: the update is conditional on the admission still being current.
    public func discharge(_ admissionID: UUID, _ request: DischargeRequest, in ctx: RequestContext,
                          now: Date = Date()) async throws -> VisibleAdmission {
        let scope = ctx.scope
        let admission = try await scope.require(Admission.self, admissionID, name: "Admission")
        try await guardian.authorize(ctx.principal, .admissionManage, on: .facility(admission.facilityID), origin: ctx.origin, db: ctx.db)
        guard admission.status == .current else { throw Self.alreadyDischarged }
        let dischargedAt = request.dischargedAt ?? now
        if dischargedAt > now.addingTimeInterval(Self.clockSkew) {
            throw AppError.invalid("discharged_at", "must not be in the future")
        }
        if dischargedAt < admission.admittedAt {
            throw AppError.invalid("discharged_at", "must not be before admitted_at")
        }
        let cipher = try await keyring.cipher(forPatient: admission.patientID, tenantID: scope.tenantID, on: ctx.db)
        let summarySealed = try request.summary.map { try cipher.seal($0) }
        let audit = self.audit
        let discharged = try await scope.writeTransaction { tx -> Bool in
            guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            let changed = try await sql.raw("""
                UPDATE \(ident: Admission.schema) SET status = \(bind: Admission.Status.discharged.rawValue),
                    discharged_at = \(bind: dischargedAt), disposition = \(bind: request.disposition.rawValue),
                    summary_sealed = \(bind: summarySealed?.token), discharged_by = \(bind: ctx.principal.subjectID),
                    updated_at = \(bind: now)
                WHERE id = \(bind: admissionID) AND tenant_id = \(bind: tx.tenantID)
                    AND status = \(bind: Admission.Status.current.rawValue)
                RETURNING id
                """).all()
            guard changed.count == 1 else { return false }
            try await audit.append(
                AuditRecord(tenantID: tx.tenantID, facilityID: admission.facilityID, actor: ctx.principal.auditActor,
                            action: .admissionDischarge, targetType: "admission", targetID: admissionID.lowercasedString,
                            details: ["patient_id": admission.patientID.lowercasedString,
                                      "disposition": request.disposition.rawValue]),
                origin: ctx.origin, on: tx.db)
            return true
        }
        guard discharged else { throw Self.alreadyDischarged }
        let fresh = try await scope.require(Admission.self, admissionID, name: "Admission")
        let patient = try await scope.find(Patient.self, fresh.patientID)
        return try await open(fresh, patient: patient, for: ctx.principal, in: scope)
    }

    /// One admission: staff of its facility and the patient themself (`admission.read`); an
    /// audited read.
    public func read(_ admissionID: UUID, in ctx: RequestContext) async throws -> VisibleAdmission {
        let scope = ctx.scope
        let admission = try await scope.require(Admission.self, admissionID, name: "Admission")
        let patient = try await scope.find(Patient.self, admission.patientID)
        try await guardian.authorize(
            ctx.principal, .admissionRead,
            onAnyOf: [.facility(admission.facilityID), .patient(.identity(of: admission.patientID, userID: patient?.userID))],
            origin: ctx.origin, db: ctx.db)
        let visible = try await open(admission, patient: patient, for: ctx.principal, in: scope)
        try await audit.appendRetrying(
            AuditRecord(tenantID: scope.tenantID, facilityID: admission.facilityID, actor: ctx.principal.auditActor,
                        action: .admissionRead, targetType: "admission", targetID: admissionID.lowercasedString,
                        details: ["patient_id": admission.patientID.lowercasedString, "clinical": String(visible.showsClinical)]),
            origin: ctx.origin, on: ctx.db)
        return visible
    }

    /// An admission gives the facility's nurses reach to the patient (`PatientFacilities`), so
    /// admitting must not be the way in: the caller must already be able to read the patient
    /// (`patient.read`: a nurse of their home facility or of a facility where they had an
    /// appointment or an admission, their doctor), or be allowed to register patients at the
    /// admitting facility (`patient.create` there: among the admitting roles, its doctors, who
    /// receive a patient from elsewhere and could as well register them). A nurse of another
    /// facility who cannot see the patient is refused (403, audited) and nothing is written.
    static func authorizeReach(_ ctx: RequestContext, to patient: PatientContext, admittingAt facilityID: UUID,
                               guardian: AccessGuard) async throws {
        let principal = ctx.principal
        if AccessDecision.isAllowed(principal, .patientRead, on: .patient(patient))
            || AccessDecision.isAllowed(principal, .patientCreate, on: .facility(facilityID)) {
            return
        }
        try await guardian.authorize(principal, .patientRead, on: .patient(patient), origin: ctx.origin, db: ctx.db)
        throw AppError.forbidden("You are not allowed to \(Action.patientRead.rawValue) here")
    }

    // MARK: - Shared rules

    static let alreadyAdmitted = AppError.conflict("The patient is already admitted")
    static let bedTaken = AppError.conflict("The bed is occupied")
    static let wardFull = AppError.conflict("Every bed of this ward is occupied")
    static let alreadyDischarged = AppError.conflict("The admission has already been discharged")

    func currentAdmission(of patientID: UUID, in scope: TenantScope) async throws -> Admission? {
        try await scope.query(Admission.self).filter(\.$patientID == patientID).filter(\.$status == .current).first()
    }

    func occupiedBeds(of wardID: UUID, in scope: TenantScope) async throws -> Set<Int> {
        Set(try await scope.query(Admission.self).filter(\.$wardID == wardID).filter(\.$status == .current).all(\.$bed))
    }

    /// Who cares for the patient and where they are seen (`PatientAccess`); for a patient deleted
    /// since, only who they are.
    func baseContext(of patientID: UUID, patient: Patient?, in scope: TenantScope) async throws -> PatientContext {
        if let patient, patient.deletedAt == nil {
            return try await patients.context(of: patientID, in: scope).1
        }
        return .identity(of: patientID, userID: patient?.userID)
    }

    /// Reason and summary are clinical: shown to whom `patient.read_clinical` allows on the
    /// patient, counting this admission's facility as one where the patient is seen and its
    /// admitting and discharging clinicians among those who care for them.
    static func showsClinical(_ admission: Admission, base: PatientContext, to principal: Principal) -> Bool {
        let clinicians = [admission.admittedBy, admission.dischargedBy].compactMap { $0 }
        let context = PatientContext(patientID: base.patientID, userID: base.userID, homeFacilityID: base.homeFacilityID,
                                     doctorIDs: base.doctorIDs.union(clinicians),
                                     visitFacilityIDs: base.visitFacilityIDs.union([admission.facilityID]))
        return AccessDecision.isAllowed(principal, .patientReadClinical, on: .patient(context))
    }

    func open(_ admission: Admission, patient: Patient?, for principal: Principal, in scope: TenantScope) async throws -> VisibleAdmission {
        let base = try await baseContext(of: admission.patientID, patient: patient, in: scope)
        return try await open(admission, base: base, for: principal, cipher: nil, in: scope)
    }

    func open(_ admission: Admission, base: PatientContext, for principal: Principal, cipher: FieldCipher?,
              in scope: TenantScope) async throws -> VisibleAdmission {
        guard Self.showsClinical(admission, base: base, to: principal) else {
            return VisibleAdmission(admission: admission, showsClinical: false, reason: nil, summary: nil)
        }
        // The patient's cipher (their key, or the tenant's for older values); `cipher` is ignored
        // unless it is theirs, which only the admitting call knows.
        let ciphers = try await keyring.openingCiphers(forPatients: [admission.patientID], tenantID: scope.tenantID, on: scope.db)
        if ciphers.erased.contains(admission.patientID) {
            // Shredded with the patient's key.
            return VisibleAdmission(admission: admission, showsClinical: true, reason: nil, summary: nil)
        }
        let opener = ciphers[admission.patientID]
        let reason: String = try opener.open(admission.reasonSealed)
        let summary: String? = try opener.open(admission.summarySealed)
        return VisibleAdmission(admission: admission, showsClinical: true, reason: reason, summary: summary)
    }
}
