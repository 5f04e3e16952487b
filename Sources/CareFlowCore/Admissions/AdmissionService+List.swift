import FluentKit
import Foundation

extension AdmissionService {
    /// The admissions the caller may see, newest admission first: staff those of the facilities
    /// their `admission.read` reaches (group admins all), a patient their own. A facility or
    /// patient outside that reach is a 403 (audited); one of another tenant a 404.
    public func list(_ filters: AdmissionFilters, page: PageRequest, in ctx: RequestContext) async throws -> Page<VisibleAdmission> {
        let (scope, principal) = (ctx.scope, ctx.principal)
        if let from = filters.from, let to = filters.to, to <= from { throw AppError.invalid("to", "must be after from") }
        let reach = AccessDecision.facilities(for: principal, .admissionRead)
        let ownScope = principal.grants.contains { AccessPolicy.scope(of: $0.role, for: .admissionRead) == .self }
        let own = ownScope ? try await scope.query(Patient.self).filter(\.$userID == principal.subjectID).all().compactMap(\.id) : []
        if let facilityID = filters.facilityID {
            _ = try await scope.require(Facility.self, facilityID, name: "Facility")
            if let reach, !reach.contains(facilityID), !ownScope {
                try await guardian.authorize(principal, .admissionRead, on: .facility(facilityID), origin: ctx.origin, db: ctx.db)
            }
        }
        if let patientID = filters.patientID {
            guard let patient = try await scope.find(Patient.self, patientID) else { throw AppError.notFound("Patient not found") }
            if reach?.isEmpty == true {
                // Only their own: someone else's record is refused, not silently empty.
                try await guardian.authorize(principal, .admissionRead, on: .patient(.identity(of: patientID, userID: patient.userID)),
                                             origin: ctx.origin, db: ctx.db)
            }
        }
        if let reach, reach.isEmpty, !ownScope {
            try await guardian.authorize(principal, .admissionRead, on: .tenant, origin: ctx.origin, db: ctx.db)
        }

        var query = scope.query(Admission.self)
        if let reach {
            if reach.isEmpty && own.isEmpty { return Page(items: [], nextCursor: nil) }
            query = query.group(.or) { or in
                if !reach.isEmpty { or.filter(\.$facilityID ~~ Array(reach)) }
                if !own.isEmpty { or.filter(\.$patientID ~~ own) }
            }
        }
        query = filters.apply(to: query)
        if let cursor = page.cursor {
            let (at, id) = try TimeCursor.decode(cursor)
            query = query.group(.or) { or in
                or.filter(\.$admittedAt < at).group(.and) { $0.filter(\.$admittedAt == at).filter(\.$id < id) }
            }
        }
        let rows = try await query.sort(\.$admittedAt, .descending).sort(\.$id, .descending).limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? TimeCursor.encode(items.last!.admittedAt, items.last!.id!) : nil
        guard !items.isEmpty else { return Page(items: [], nextCursor: next) }

        let patientIDs = Array(Set(items.map(\.patientID)))
        let records = Dictionary(try await scope.query(Patient.self).filter(\.$id ~~ patientIDs).all().map { ($0.id!, $0) },
                                 uniquingKeysWith: { a, _ in a })
        var bases: [UUID: PatientContext] = [:]
        for id in patientIDs { bases[id] = try await baseContext(of: id, patient: records[id], in: scope) }
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: ctx.db)
        var visible: [VisibleAdmission] = []
        for admission in items {
            visible.append(try await open(admission, base: bases[admission.patientID]!, for: principal, cipher: cipher, in: scope))
        }
        try await audit.appendRetrying(
            AuditRecord(tenantID: scope.tenantID, facilityID: filters.facilityID, actor: principal.auditActor, action: .admissionRead,
                        targetType: "admissions",
                        details: ["count": String(items.count), "clinical": String(visible.contains(where: \.showsClinical)),
                                  "patients": patientIDs.map { $0.lowercasedString }.sorted().joined(separator: ",")]),
            origin: ctx.origin, on: ctx.db)
        return Page(items: visible, nextCursor: next)
    }
}
