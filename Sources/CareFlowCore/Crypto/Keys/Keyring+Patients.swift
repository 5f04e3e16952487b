import FluentKit
import Foundation

/// Per-patient data keys (crypto-shredding, GDPR Art. 17). Every service that seals or opens
/// data about one patient asks here instead of for the tenant's cipher.
extension Keyring {
    /// The patient's cipher, creating the patient's key on first need. A patient who was erased
    /// gets no new key: 410 Gone.
    public func cipher(forPatient patientID: UUID, tenantID: UUID, on db: any Database) async throws -> FieldCipher {
        if let hit = patientCache[patientID], ContinuousClock.now - hit.loaded < cacheLifetime { return hit.cipher }
        let tenant = try await cipher(forTenant: tenantID, on: db)
        if let row = try await PatientKey.query(on: db).filter(\.$tenantID == tenantID).filter(\.$patientID == patientID).first() {
            return remember(patientID, try Self.patientCipher(row, tenant: tenant))
        }
        if try await PatientErasure.query(on: db).filter(\.$tenantID == tenantID).filter(\.$patientID == patientID).count() > 0 {
            throw AppError.gone("Patient was erased")
        }
        let fresh = FernetKey.generate()
        do {
            try await PatientKey(tenantID: tenantID, patientID: patientID, keySealed: tenant.seal(fresh.base64URL)).create(on: db)
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // A concurrent first write made the key: use theirs.
            guard let row = try await PatientKey.query(on: db).filter(\.$patientID == patientID).first() else { throw error }
            return remember(patientID, try Self.patientCipher(row, tenant: tenant))
        }
        let made = FieldCipher(sealingWith: fresh, fallingBackTo: tenant)
        // Inside a transaction the new row may still roll back; caching it then would seal later
        // values under a key no table holds.
        return db.inTransaction ? made : remember(patientID, made)
    }

    /// Ciphers that open many patients' values at once (lists, exports): one query for the keys
    /// not cached. A patient without a key gets the tenant's cipher (nothing of theirs is under
    /// a patient key yet); that answer is not cached, since their first write may come anywhere.
    public func openingCiphers(forPatients ids: some Sequence<UUID>, tenantID: UUID,
                               on db: any Database) async throws -> PatientCiphers {
        let tenant = try await cipher(forTenant: tenantID, on: db)
        var ciphers: [UUID: FieldCipher] = [:]
        var missing: [UUID] = []
        for id in Set(ids) {
            if let hit = patientCache[id], ContinuousClock.now - hit.loaded < cacheLifetime { ciphers[id] = hit.cipher } else { missing.append(id) }
        }
        for chunk in stride(from: 0, to: missing.count, by: 500).map({ Array(missing[$0..<min($0 + 500, missing.count)]) }) {
            for row in try await PatientKey.query(on: db).filter(\.$tenantID == tenantID).filter(\.$patientID ~~ chunk).all() {
                ciphers[row.patientID] = remember(row.patientID, try Self.patientCipher(row, tenant: tenant))
            }
        }
        var result = PatientCiphers(tenant: tenant, byPatient: ciphers)
        result.erased = try await PatientCiphers.erased(among: missing.filter { ciphers[$0] == nil },
                                                        in: TenantScope(tenantID: tenantID, db: db))
        return result
    }

    /// Drops a patient's cipher from this process (after an erasure).
    public func forgetPatient(_ patientID: UUID) {
        patientCache[patientID] = nil
    }

    private func remember(_ patientID: UUID, _ cipher: FieldCipher) -> FieldCipher {
        patientCache[patientID] = (cipher, ContinuousClock.now)
        return cipher
    }

    static func patientCipher(_ row: PatientKey, tenant: FieldCipher) throws -> FieldCipher {
        guard let key = try? FernetKey(base64URL: try tenant.open(row.keySealed)) else {
            throw KeyHierarchyError.unwrapFailed(owner: "patient:" + row.patientID.lowercasedString, purpose: "data", version: 1)
        }
        return FieldCipher(sealingWith: key, fallingBackTo: tenant)
    }
}

/// Opening ciphers for a set of patients (`Keyring.openingCiphers`).
public struct PatientCiphers: Sendable {
    public let tenant: FieldCipher
    let byPatient: [UUID: FieldCipher]
    /// Patients among those asked for who were erased: nothing of theirs opens any more, so a
    /// list shows them as erased instead of failing.
    public var erased: Set<UUID> = []

    public subscript(patientID: UUID) -> FieldCipher {
        byPatient[patientID] ?? tenant
    }

    static func erased(among ids: [UUID], in scope: TenantScope) async throws -> Set<UUID> {
        var erased: Set<UUID> = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            erased.formUnion(try await scope.query(PatientErasure.self).filter(\.$patientID ~~ chunk).all(\.$patientID))
        }
        return erased
    }

    /// What lists and exports show instead of an erased patient's name.
    public static let erasedName = "(erased)"

    /// The same without the keyring's cache, for code that holds only the tenant's cipher
    /// (exports, page by page): the patients' keys are sealed under it.
    public static func load(_ ids: some Sequence<UUID>, tenant: FieldCipher, in scope: TenantScope) async throws -> PatientCiphers {
        let unique = Array(Set(ids))
        var ciphers: [UUID: FieldCipher] = [:]
        for chunk in stride(from: 0, to: unique.count, by: 500).map({ Array(unique[$0..<min($0 + 500, unique.count)]) }) {
            for row in try await scope.query(PatientKey.self).filter(\.$patientID ~~ chunk).all() {
                ciphers[row.patientID] = try Keyring.patientCipher(row, tenant: tenant)
            }
        }
        var result = PatientCiphers(tenant: tenant, byPatient: ciphers)
        result.erased = try await PatientCiphers.erased(among: unique.filter { ciphers[$0] == nil }, in: scope)
        return result
    }
}
