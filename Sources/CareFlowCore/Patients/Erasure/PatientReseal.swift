import FluentKit
import Foundation
import SQLKit

/// Moves a patient's sealed values onto their own key (`MultiFernet.rotate` under the patient
/// cipher: opens under the patient's or the tenant's keys, seals under the patient's). Erasure
/// runs it on every value just before destroying the key; `careflow keys reseal-patients` runs
/// it on the values still under the tenant key, so existing deployments move to patient keys.
enum PatientReseal {
    /// Returns how many values were re-sealed. With `everything`, values already under the patient
    /// key are re-sealed too and a value no key opens is replaced by one under a throwaway key
    /// (erasure: nothing may stay readable); without, those are left as they are.
    static func run(patientID: UUID, tenantID: UUID, cipher: FieldCipher, everything: Bool, on sql: any SQLDatabase) async throws -> Int {
        let own = cipher.fernet.fernets[0]
        let throwaway = Fernet(key: FernetKey.generate())
        var count = 0
        for table in PatientSealedColumns.all {
            let columns = SQLList(table.columns.map { SQLIdentifier($0) })
            let rows = try await sql.raw("""
                SELECT id, \(columns) FROM \(ident: table.name) WHERE \(table.condition(patientID: patientID, tenantID: tenantID))
                """).all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                for column in table.columns {
                    guard let token = try row.decode(column: column, as: String?.self) else { continue }
                    let moved: String
                    if everything {
                        moved = (try? cipher.fernet.rotate(token)) ?? throwaway.encrypt(Data())
                    } else {
                        if (try? own.decrypt(token)) != nil { continue }
                        guard let rotated = try? cipher.fernet.rotate(token) else { continue }
                        moved = rotated
                    }
                    // Only if the value did not change meanwhile (a concurrent write sealed it anew).
                    try await sql.raw("""
                        UPDATE \(ident: table.name) SET \(ident: column) = \(bind: moved) WHERE id = \(bind: id) AND \(ident: column) = \(bind: token)
                        """).run()
                    count += 1
                }
            }
        }
        return count
    }
}

/// `careflow keys reseal-patients`: gives every live patient of a tenant a key and moves their
/// values still under the tenant key onto it, patient by patient (each in its own transaction;
/// run again after a crash: moved values are skipped).
public struct PatientResealService: Sendable {
    let db: any Database
    let keyring: Keyring

    public init(db: any Database, keyring: Keyring) {
        self.db = db
        self.keyring = keyring
    }

    public struct Report: Sendable, Equatable {
        public var patients = 0
        public var resealed = 0
    }

    public func reseal(tenantID: UUID, progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> Report {
        let scope = TenantScope(tenantID: tenantID, db: db)
        let erased = Set(try await scope.query(PatientErasure.self).all(\.$patientID))
        let ids = try await scope.query(Patient.self).all(\.$id).filter { !erased.contains($0) }
        var report = Report()
        for (i, patientID) in ids.enumerated() {
            let cipher = try await keyring.cipher(forPatient: patientID, tenantID: tenantID, on: db)
            report.resealed += try await db.transaction { tx in
                guard let sql = tx as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
                return try await PatientReseal.run(patientID: patientID, tenantID: tenantID, cipher: cipher, everything: false, on: sql)
            }
            report.patients += 1
            progress(i + 1, ids.count)
        }
        return report
    }
}
