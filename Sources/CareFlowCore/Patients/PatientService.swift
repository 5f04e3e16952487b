import FluentKit
import Foundation
import SQLKit

/// Registration, reading, updating, deleting and searching patients. Plaintext in, plaintext
/// out; the database only ever receives sealed values and blind indexes.
public struct PatientService: Sendable {
    let access: PatientAccess
    let guardian: AccessGuard
    let keyring: Keyring
    let audit: AuditLog

    public init(access: PatientAccess, guardian: AccessGuard, keyring: Keyring, audit: AuditLog) {
        self.access = access
        self.guardian = guardian
        self.keyring = keyring
        self.audit = audit
    }

    // MARK: - Create

    public func register(_ request: PatientInput, in context: RequestContext) async throws -> PatientView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        var withHome = request
        if withHome.homeFacilityID == nil {
            // Registered at the desk where it happens: staff who register per facility give the
            // patient their facility as home unless the request names another.
            withHome.homeFacilityID = principal.grants.first { AccessPolicy.scope(of: $0.role, for: .patientCreate) == .facility }?.facilityID
        }
        let input = withHome
        // Time-ordered, so the list's id order is registration order.
        let patientID = TimeOrderedID.make()
        // The patient as it will exist: nobody cares for it yet, it is seen at its home facility.
        let newborn = PatientContext(patientID: patientID, userID: nil, homeFacilityID: input.homeFacilityID, doctorIDs: [],
                                     visitFacilityIDs: [])
        let target: AccessTarget = input.homeFacilityID == nil ? .tenant : .patient(newborn)
        try await guardian.authorize(principal, .patientCreate, on: target, origin: origin, db: scope.db)
        // Clinical content set at registration is a clinical write like a PATCH of it; the
        // operator's command line (imports, seeding) loads existing records and is outside the
        // role table.
        if input.touchesClinical, principal.kind != .system {
            try await guardian.authorize(principal, .patientUpdateClinical, on: .patient(newborn), origin: origin, db: scope.db)
        }
        if let facilityID = input.homeFacilityID, try await scope.find(Facility.self, facilityID) == nil {
            throw AppError.invalid("home_facility_id", "is not a facility of this tenant")
        }
        // The new patient's own key (crypto-shredding): made before the row it seals.
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        if let nationalID = input.nationalID {
            try await refuseDuplicate(nationalID: nationalID, except: nil, cipher: cipher, in: scope, by: principal, origin: origin)
        }
        let patient = try await scope.audited(by: audit, origin: origin) { scope in
            let patient = try await insert(input, id: patientID, account: nil, cipher: cipher, in: scope)
            return (patient, AuditRecord(tenantID: scope.tenantID, facilityID: input.homeFacilityID, actor: principal.auditActor,
                                         action: .patientCreate, targetType: "patient", targetID: patientID.lowercasedString))
        }
        return try await view(patient, clinical: true, cipher: cipher, scope: scope)
    }

    // MARK: - Read

    public func read(_ patientID: UUID, in context: RequestContext) async throws -> PatientView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let (patient, context) = try await access.authorize(principal, .patientRead, patientID: patientID, in: scope, origin: origin)
        let clinical = access.canReadClinical(principal, context)
        try await access.recordRead(principal, patientID: patientID, what: clinical ? "demographics,clinical" : "demographics",
                                    origin: origin, on: scope.db)
        return try await view(patient, clinical: clinical, cipher: keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db),
                              scope: scope)
    }

    // MARK: - Update

    public func update(_ patientID: UUID, _ changes: PatientChanges, in context: RequestContext) async throws -> PatientView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let (patient, context) = try await access.context(of: patientID, in: scope)
        if changes.touchesDemographics || !changes.touchesClinical {
            try await guardian.authorize(principal, .patientUpdate, on: .patient(context), origin: origin, db: scope.db)
        }
        if changes.touchesClinical {
            try await guardian.authorize(principal, .patientUpdateClinical, on: .patient(context), origin: origin, db: scope.db)
        }
        if let facility = changes.homeFacilityID, let id = facility, try await scope.find(Facility.self, id) == nil {
            throw AppError.invalid("home_facility_id", "is not a facility of this tenant")
        }
        // Everything written is re-sealed under the patient's key, values from before keys included.
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        var merged = try await currentInput(patient, cipher: cipher, scope: scope)
        merge(changes, into: &merged)
        let input = merged
        if changes.nationalID != nil, let nationalID = input.nationalID {
            try await refuseDuplicate(nationalID: nationalID, except: patientID, cipher: cipher, in: scope, by: principal, origin: origin)
        }
        var changed: [String] = []
        if changes.touchesDemographics { changed.append("demographics") }
        if changes.touchesClinical { changed.append("clinical") }
        let event = AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .patientUpdate, targetType: "patient",
                                targetID: patientID.lowercasedString, details: ["parts": changed.joined(separator: ",")])
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try apply(input, to: patient, cipher: cipher)
            try await scope.update(patient)
            if changes.givenName != nil || changes.familyName != nil {
                try await scope.query(PatientNameToken.self).filter(\.$patientID == patient.id!).delete()
                try await writeNameTokens(patient, given: input.givenName, family: input.familyName, cipher: cipher, scope: scope)
            }
            if changes.conditions != nil {
                try await scope.query(PatientCondition.self).filter(\.$patientID == patient.id!).delete()
                try await writeConditions(input.conditions, of: patient, cipher: cipher, scope: scope)
            }
            return event
        }
        return try await view(patient, clinical: access.canReadClinical(principal, context), cipher: cipher, scope: scope)
    }

    // MARK: - Delete

    /// Soft delete: the row stays (records refer to it) but the patient disappears from every read.
    public func delete(_ patientID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let (patient, _) = try await access.authorize(principal, .patientDelete, patientID: patientID, in: scope, origin: origin)
        patient.deletedAt = Date()
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.update(patient)
            return AuditRecord(tenantID: scope.tenantID, facilityID: patient.homeFacilityID, actor: principal.auditActor,
                               action: .patientDelete, targetType: "patient", targetID: patientID.lowercasedString)
        }
    }

    // MARK: - Search

    public func search(_ query: PatientQuery, in context: RequestContext,
                       page: PageRequest) async throws -> Page<PatientView> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        // Written as SQL rather than through Fluent's query builder: this is the hottest PHI
        // read, and the builder's per-query reflection cost more than the query.
        var conditions = try await searchConditions(query, principal: principal, cipher: cipher, in: scope, origin: origin)
        if let cursor = page.cursor {
            guard let after = UUID(uuidString: cursor.key) else { throw AppError.invalid("cursor", "is not a cursor returned by this API") }
            conditions.append(query.newestFirst ? #""patients"."id" < \#(bind: after)"# : #""patients"."id" > \#(bind: after)"#)
        }
        let order: SQLQueryString = query.newestFirst ? #"ORDER BY "patients"."id" DESC"# : #"ORDER BY "patients"."id" ASC"#
        let rows = try await scope.db.selectDirect(Patient.self, "WHERE " + conditions.joined(separator: " AND ") + " "
                                                   + order + " LIMIT \(literal: page.limit + 1)")
        let items = Array(rows.prefix(page.limit))
        if !items.isEmpty {
            try await audit.append(
                AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .phiRead, targetType: "patient_list",
                            details: ["what": query.conditionCode == nil ? "demographics" : "demographics,condition",
                                      "count": String(items.count),
                                      "patients": items.map { $0.id!.lowercasedString }.joined(separator: ",")]),
                origin: origin, on: scope.db)
        }
        let ciphers = try await keyring.openingCiphers(forPatients: items.map { $0.id! }, tenantID: scope.tenantID, on: scope.db)
        var views: [PatientView] = []
        for patient in items { views.append(try await view(patient, clinical: false, cipher: ciphers[patient.id!], scope: scope)) }
        return Page(items: views, nextCursor: rows.count > page.limit ? Cursor(key: items.last!.id!.uuidString).encoded : nil)
    }

    /// The WHERE conditions of a search: the caller's visibility (a 403 when it has none) and
    /// the query's filters. Shared by the list and the patients export, so both pick the same rows.
    func searchConditions(_ query: PatientQuery, principal: Principal, cipher: FieldCipher, in scope: TenantScope,
                          origin: RequestOrigin) async throws -> [SQLQueryString] {
        var conditions: [SQLQueryString] = [#""patients"."tenant_id" = \#(bind: scope.tenantID)"#, #""patients"."deleted_at" IS NULL"#]
        switch PatientVisibility.of(principal, tenantID: scope.tenantID) {
        case .wholeTenant: break
        case .nothing: try await guardian.authorize(principal, .patientRead, on: .tenant, origin: origin, db: scope.db)
        case .matching(let condition): conditions.append("\(condition)")
        }
        if let code = query.conditionCode {
            // Matching a diagnosis reveals it: only among the patients whose clinical content the
            // caller may read, and not at all (403, audited) for a caller who may read none.
            switch PatientVisibility.of(principal, tenantID: scope.tenantID, for: .patientReadClinical) {
            case .wholeTenant: break
            case .nothing: try await guardian.authorize(principal, .patientReadClinical, on: .tenant, origin: origin, db: scope.db)
            case .matching(let condition): conditions.append("\(condition)")
            }
            conditions.append(PatientVisibility.patientIn("patient_conditions", where: "code_index",
                                                          equals: cipher.index(code, as: .conditionCode), tenantID: scope.tenantID))
        }
        if let v = query.mrn { conditions.append(#""patients"."mrn_index" = \#(bind: cipher.index(v, as: .mrn))"#) }
        if let v = query.nationalID { conditions.append(#""patients"."national_id_index" = \#(bind: cipher.index(v, as: .nationalID))"#) }
        if let v = query.phone { conditions.append(#""patients"."phone_index" = \#(bind: cipher.index(v, as: .phone))"#) }
        if let v = query.email { conditions.append(#""patients"."email_index" = \#(bind: cipher.index(v, as: .email))"#) }
        if let v = query.birthYearFrom { conditions.append(#""patients"."birth_year" >= \#(bind: v)"#) }
        if let v = query.birthYearTo { conditions.append(#""patients"."birth_year" <= \#(bind: v)"#) }
        if let v = query.sex { conditions.append(#""patients"."sex" = \#(bind: v.rawValue)"#) }
        if let v = query.facilityID { conditions.append(#""patients"."home_facility_id" = \#(bind: v)"#) }
        if let name = query.name {
            let tokens = BlindIndexKind.nameTokens(name)
            if tokens.isEmpty { throw AppError.invalid("name", "must contain a letter or digit") }
            // Every word must match: one subquery per distinct word.
            for token in Set(tokens) {
                conditions.append(PatientVisibility.patientIn("patient_name_tokens", where: "token_index",
                                                              equals: cipher.index(token, as: .nameToken), tenantID: scope.tenantID))
            }
        }
        if let doctorID = query.doctorID {
            conditions.append("""
                "patients"."id" IN (SELECT "patient_id" FROM "care_relationships" WHERE "tenant_id" = \(bind: scope.tenantID)
                    AND "doctor_id" = \(bind: doctorID) AND "ended_at" IS NULL AND ("ends_on" IS NULL OR "ends_on" > \(bind: Date())))
                """)
        }
        return conditions
    }

    /// Writes a new patient in the caller's transaction: an MRN, the sealed fields, the
    /// name-token index and the conditions. The one way a patient row comes into existence
    /// (at the desk, by self-signup).
    func insert(_ input: PatientInput, id: UUID, account userID: UUID?, cipher: FieldCipher, in scope: TenantScope) async throws -> Patient {
        let patient = Patient()
        patient.id = id
        let mrn = try await MRNAllocator.next(tenantID: scope.tenantID, on: scope.db)
        patient.mrnSealed = try cipher.seal(mrn)
        patient.mrnIndex = cipher.index(mrn, as: .mrn)
        try apply(input, to: patient, cipher: cipher)
        patient.userID = userID
        try await scope.create(patient)
        try await writeNameTokens(patient, given: input.givenName, family: input.familyName, cipher: cipher, scope: scope)
        try await writeConditions(input.conditions, of: patient, cipher: cipher, scope: scope)
        return patient
    }

    // MARK: - Mapping

    private func apply(_ input: PatientInput, to patient: Patient, cipher: FieldCipher) throws {
        patient.givenNameSealed = try cipher.seal(input.givenName)
        patient.familyNameSealed = try cipher.seal(input.familyName)
        patient.birthDateSealed = try input.birthDate.map { try cipher.seal($0) }
        patient.birthYear = input.birthDate.flatMap { Int($0.prefix(4)) } ?? input.birthYear
        patient.sex = input.sex
        patient.phoneSealed = try input.phone.map { try cipher.seal($0) }
        patient.phoneIndex = input.phone.map { cipher.index($0, as: .phone) }
        patient.emailSealed = try input.email.map { try cipher.seal(BlindIndexKind.email.normalise($0)) }
        patient.emailIndex = input.email.map { cipher.index($0, as: .email) }
        patient.nationalIDSealed = try input.nationalID.map { try cipher.seal($0) }
        patient.nationalIDIndex = input.nationalID.map { cipher.index($0, as: .nationalID) }
        patient.homeFacilityID = input.homeFacilityID
        patient.detailsSealed = try cipher.seal(input.details)
        patient.notificationChannels = input.notificationChannels.map(Patient.storedChannels)
    }

    private func writeNameTokens(_ patient: Patient, given: String, family: String, cipher: FieldCipher, scope: TenantScope) async throws {
        for token in Set(BlindIndexKind.nameTokens(given + " " + family)) {
            try await scope.create(PatientNameToken(tenantID: scope.tenantID, patientID: patient.id!,
                                                    tokenIndex: cipher.index(token, as: .nameToken)))
        }
    }

    private func writeConditions(_ conditions: [ConditionInput], of patient: Patient, cipher: FieldCipher, scope: TenantScope) async throws {
        for c in conditions {
            try await scope.create(try PatientCondition(tenantID: scope.tenantID, patientID: patient.id!, code: c.code,
                                                        noteSealed: try c.note.map { try cipher.seal($0) }, cipher: cipher))
        }
    }

    private func currentInput(_ patient: Patient, cipher: FieldCipher, scope: TenantScope) async throws -> PatientInput {
        let conditions = try await scope.query(PatientCondition.self).filter(\.$patientID == patient.id!).all()
        return PatientInput(
            givenName: try cipher.open(patient.givenNameSealed), familyName: try cipher.open(patient.familyNameSealed),
            birthDate: try cipher.open(patient.birthDateSealed), birthYear: patient.birthYear, sex: patient.sex,
            phone: try cipher.open(patient.phoneSealed), email: try cipher.open(patient.emailSealed),
            nationalID: try cipher.open(patient.nationalIDSealed), homeFacilityID: patient.homeFacilityID,
            details: try cipher.open(patient.detailsSealed),
            conditions: try conditions.map { try $0.input(cipher: cipher) },
            notificationChannels: patient.chosenChannels)
    }

    private func merge(_ c: PatientChanges, into input: inout PatientInput) {
        if let v = c.givenName { input.givenName = v }
        if let v = c.familyName { input.familyName = v }
        if let v = c.birthDate { input.birthDate = v; if v == nil { input.birthYear = nil } }
        if let v = c.sex { input.sex = v }
        if let v = c.phone { input.phone = v }
        if let v = c.email { input.email = v }
        if let v = c.nationalID { input.nationalID = v }
        if let v = c.homeFacilityID { input.homeFacilityID = v }
        if let v = c.address { input.details.address = v }
        if let v = c.insurance { input.details.insurance = v }
        if let v = c.emergencyContact { input.details.emergencyContact = v }
        if let v = c.bloodType { input.details.bloodType = v }
        if let v = c.allergies { input.details.allergies = v }
        if let v = c.conditions { input.conditions = v }
        if let v = c.notificationChannels { input.notificationChannels = v }
    }

    func view(_ patient: Patient, clinical: Bool, cipher: FieldCipher, scope: TenantScope) async throws -> PatientView {
        let details = try cipher.open(patient.detailsSealed)
        var clinicalPart: PatientView.Clinical? = nil
        if clinical {
            let conditions = try await scope.query(PatientCondition.self).filter(\.$patientID == patient.id!).all()
            clinicalPart = PatientView.Clinical(
                bloodType: details.bloodType, allergies: details.allergies,
                conditions: try conditions.map { try $0.input(cipher: cipher) }.sorted { $0.code < $1.code })
        }
        return PatientView(
            patient: patient, mrn: try cipher.open(patient.mrnSealed), givenName: try cipher.open(patient.givenNameSealed),
            familyName: try cipher.open(patient.familyNameSealed), birthDate: try cipher.open(patient.birthDateSealed),
            phone: try cipher.open(patient.phoneSealed), email: try cipher.open(patient.emailSealed),
            nationalID: try cipher.open(patient.nationalIDSealed), address: details.address, insurance: details.insurance,
            emergencyContact: details.emergencyContact,
            notificationChannels: patient.reminderChannels(hasPhone: patient.phoneSealed != nil), clinical: clinicalPart)
    }
}
