import FluentKit
import Foundation
import SQLKit

/// The names of one page's patients ("Given Family"), opened from their sealed fields, for the
/// `patient_name` column of appointment, invoice and admission exports. Loaded per page with one
/// query, so memory holds one page's names.
enum PatientNames {
    static func load(_ ids: some Sequence<UUID>, cipher: FieldCipher, in scope: TenantScope) async throws -> [UUID: String] {
        let unique = Array(Set(ids))
        if unique.isEmpty { return [:] }
        let list = SQLList(unique.map { SQLBind($0) })
        let patients = try await scope.db.selectDirect(
            Patient.self, #"WHERE "patients"."tenant_id" = \#(bind: scope.tenantID) AND "patients"."id" IN (\#(list))"#)
        let ciphers = try await PatientCiphers.load(unique, tenant: cipher, in: scope)
        var names: [UUID: String] = [:]
        for patient in patients {
            guard let id = patient.id else { continue }
            if ciphers.erased.contains(id) { names[id] = PatientCiphers.erasedName; continue }
            names[id] = try ciphers[id].open(patient.givenNameSealed) + " " + ciphers[id].open(patient.familyNameSealed)
        }
        return names
    }

    /// Whether the caller may read every patient of the tenant (`patient.read` tenant-wide): only
    /// then do exports carry patient names. A narrower grant leaves the column out entirely
    /// rather than deciding row by row.
    static func mayRead(_ principal: Principal, tenantID: UUID) -> Bool {
        if case .wholeTenant = PatientVisibility.of(principal, tenantID: tenantID) { return true }
        return false
    }
}
