import FluentKit
import Foundation
import SQLKit

/// Rotates the key hierarchy without downtime and without writing plaintext anywhere:
/// - a tenant's data key: a new version seals from now on, every sealed column is re-encrypted
///   in batches (resumable: rows already under the new key are skipped), then verified, then
///   the old version is retired;
/// - the master key: every wrapped key is re-wrapped under the first master key.
public struct KeyRotationService: Sendable {
    let db: any Database
    let keyring: Keyring
    let audit: AuditLog

    public init(db: any Database, keyring: Keyring, audit: AuditLog) {
        self.db = db
        self.keyring = keyring
        self.audit = audit
    }

    public struct Progress: Sendable {
        public let table: String
        public let done: Int
        public let total: Int
    }

    public struct Report: Sendable {
        public var newVersion: Int
        public var resumed: Bool
        public var reencrypted = 0
        public var alreadyRotated = 0
        public var verified = 0
        public var passes = 0
    }

    public enum RotationError: Error, CustomStringConvertible {
        case unverifiable(table: String, column: String, id: UUID)
        case stillOnOldKey(count: Int)

        public var description: String {
            switch self {
            case .unverifiable(let t, let c, let id): "\(t).\(c) of row \(id.lowercasedString) opens with no key of its owner"
            case .stillOnOldKey(let n): "\(n) values are still sealed under the old key (a server with a stale key cache?); run again"
            }
        }
    }

    // MARK: - Tenant data key

    /// `owner` is a tenant id (lower-case) or `platform`. `pause` lets running servers' key
    /// caches expire before verification (production: the keyring's cache lifetime).
    public func rotateDataKey(
        owner: String, batchSize: Int = 500, pause: Duration = .zero,
        progress: @Sendable (Progress) throws -> Void = { _ in }
    ) async throws -> Report {
        var report = try await startRotation(owner: owner)
        await keyring.forget(owner: owner)
        try await Task.sleep(for: pause)
        let cipher = try await keyring.cipher(owner: owner, on: db)
        let fresh = try await currentKey(owner: owner)
        let patients = try await PatientKeys.load(owner: owner, cipher: cipher, on: db)
        repeat {
            report.passes += 1
            let (changed, kept) = try await reencrypt(owner: owner, cipher: cipher, newKey: fresh, patients: patients, batchSize: batchSize,
                                                      progress: progress)
            report.reencrypted += changed
            report.alreadyRotated += kept
            // Values sealed meanwhile by a server still holding the old key need another pass.
        } while try await countOnOldKey(owner: owner, newKey: fresh, patients: patients) > 0 && report.passes < 3
        let left = try await countOnOldKey(owner: owner, newKey: fresh, patients: patients)
        guard left == 0 else { throw RotationError.stillOnOldKey(count: left) }
        report.verified = try await countSealed(owner: owner)
        try await WrappedKey.query(on: db).filter(\.$owner == owner).filter(\.$purpose == .data).filter(\.$status == .retiring)
            .set(\.$status, to: .retired).update()
        await keyring.forget(owner: owner)
        try await audit.append(
            AuditRecord(tenantID: owner == "platform" ? nil : UUID(uuidString: owner), actor: .system, action: .keysRotateDataKey,
                        targetType: "key_owner", targetID: owner,
                        details: ["version": String(report.newVersion), "reencrypted": String(report.reencrypted),
                                  "resumed": String(report.resumed)]),
            origin: .none, on: db)
        return report
    }

    /// Creates the next data-key version, or finds the unfinished rotation to resume.
    private func startRotation(owner: String) async throws -> Report {
        try await db.transaction { tx in
            let keys = try await WrappedKey.query(on: tx).filter(\.$owner == owner).filter(\.$purpose == .data).all()
            guard let active = keys.first(where: { $0.status == .active }) else { throw KeyHierarchyError.noActiveKey(owner: owner) }
            if keys.contains(where: { $0.status == .retiring }) {
                return Report(newVersion: active.version, resumed: true)
            }
            let next = (keys.map(\.version).max() ?? 0) + 1
            active.status = .retiring
            try await active.update(on: tx)
            let fresh = FernetKey.generate()
            try await WrappedKey(owner: owner, purpose: .data, version: next,
                                 wrapped: keyring.master.wrapper.encrypt(fresh.rawBytes), status: .active).create(on: tx)
            return Report(newVersion: next, resumed: false)
        }
    }

    private func currentKey(owner: String) async throws -> Fernet {
        guard let active = try await WrappedKey.query(on: db).filter(\.$owner == owner).filter(\.$purpose == .data)
            .filter(\.$status == .active).first()
        else { throw KeyHierarchyError.noActiveKey(owner: owner) }
        return Fernet(key: try await keyring.unwrap(active))
    }

    private func reencrypt(owner: String, cipher: FieldCipher, newKey: Fernet, patients: PatientKeys, batchSize: Int,
                           progress: (Progress) throws -> Void) async throws -> (changed: Int, kept: Int) {
        var changed = 0, kept = 0
        for table in EncryptedColumns.all {
            let total = try await count(table: table.name, owner: owner)
            var done = 0
            var after: UUID? = nil
            while true {
                let rows = try await page(table: table, owner: owner, after: after, limit: batchSize)
                if rows.isEmpty { break }
                let (c, k) = try await db.transaction { fluentTx -> (Int, Int) in
                    let tx = fluentTx as! any SQLDatabase
                    var changed = 0, kept = 0
                    for row in rows {
                        for (column, token) in row.values {
                            guard let token else { continue }
                            if (try? newKey.decrypt(token)) != nil { kept += 1; continue }
                            let plaintext: Data
                            do { plaintext = try cipher.fernet.decrypt(token) } catch {
                                // Under the patient's own key (or shredded with it): not the tenant key's to rotate.
                                if patients.owns(token, of: row.patientID) { kept += 1; continue }
                                throw RotationError.unverifiable(table: table.name, column: column, id: row.id)
                            }
                            // Only if the value did not change meanwhile; otherwise the next pass sees it.
                            try await tx.raw("""
                                UPDATE \(ident: table.name) SET \(ident: column) = \(bind: newKey.encrypt(plaintext))
                                WHERE id = \(bind: row.id) AND \(ident: column) = \(bind: token)
                                """).run()
                            changed += 1
                        }
                    }
                    return (changed, kept)
                }
                changed += c
                kept += k
                done += rows.count
                after = rows.last?.id
                try progress(Progress(table: table.name, done: done, total: total))
            }
        }
        return (changed, kept)
    }

    private func countOnOldKey(owner: String, newKey: Fernet, patients: PatientKeys) async throws -> Int {
        var n = 0
        try await forEachSealed(owner: owner) { _, _, token, patientID in
            if (try? newKey.decrypt(token)) == nil, !patients.owns(token, of: patientID) { n += 1 }
        }
        return n
    }

    private func countSealed(owner: String) async throws -> Int {
        var n = 0
        try await forEachSealed(owner: owner) { _, _, _, _ in n += 1 }
        return n
    }

    // MARK: - Master key

    /// Re-wraps every owner's keys under the first master key and verifies each unwraps with it
    /// alone; after that the older master keys can be removed from `CAREFLOW_MASTER_KEYS`.
    public func rewrapUnderCurrentMaster(progress: @Sendable (Progress) throws -> Void = { _ in }) async throws -> Int {
        let current = Fernet(key: keyring.master.keys[0])
        let keys = try await WrappedKey.query(on: db).all()
        var rewrapped = 0
        for (i, key) in keys.enumerated() {
            if (try? current.decrypt(key.wrapped)) == nil {
                let token = key.wrapped
                let fresh = try keyring.master.wrapper.rotate(token)
                try await WrappedKey.query(on: db).filter(\.$id == key.id!).filter(\.$wrapped == token).set(\.$wrapped, to: fresh).update()
                rewrapped += 1
            }
            try progress(Progress(table: WrappedKey.schema, done: i + 1, total: keys.count))
        }
        for key in try await WrappedKey.query(on: db).all() where (try? current.decrypt(key.wrapped)) == nil {
            throw KeyHierarchyError.unwrapFailed(owner: key.owner, purpose: key.purpose.rawValue, version: key.version)
        }
        try await audit.append(
            AuditRecord(tenantID: nil, actor: .system, action: .keysRotateMaster, targetType: "wrapped_keys",
                        details: ["rewrapped": String(rewrapped), "total": String(keys.count)]),
            origin: .none, on: db)
        return rewrapped
    }

    // MARK: - Row access

    struct Row {
        let id: UUID
        let values: [(String, String?)]
        /// The row's patient, for tables whose values may be under a patient's key.
        var patientID: UUID? = nil
    }

    /// The tenant's patients' keys and erased patients, loaded once per rotation.
    struct PatientKeys {
        let keys: [UUID: Fernet]
        let erased: Set<UUID>

        static func load(owner: String, cipher: FieldCipher, on db: any Database) async throws -> PatientKeys {
            guard let tenantID = UUID(uuidString: owner) else { return PatientKeys(keys: [:], erased: []) }
            var keys: [UUID: Fernet] = [:]
            for row in try await PatientKey.query(on: db).filter(\.$tenantID == tenantID).all() {
                keys[row.patientID] = Fernet(key: try FernetKey(base64URL: try cipher.open(row.keySealed)))
            }
            let erased = Set(try await PatientErasure.query(on: db).filter(\.$tenantID == tenantID).all(\.$patientID))
            return PatientKeys(keys: keys, erased: erased)
        }

        /// Whether `token` belongs to the patient's key: it opens with it, or the patient was erased.
        func owns(_ token: String, of patientID: UUID?) -> Bool {
            guard let patientID else { return false }
            if erased.contains(patientID) { return true }
            guard let key = keys[patientID] else { return false }
            return (try? key.decrypt(token)) != nil
        }
    }

    private func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        return sql
    }

    private func ownerFilter(_ owner: String) -> SQLQueryString {
        if let id = UUID(uuidString: owner) { return "tenant_id = \(bind: id)" }
        return "tenant_id IS NULL"
    }

    private func count(table: String, owner: String) async throws -> Int {
        let row = try await sqlDatabase().raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(ownerFilter(owner))").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    private func page(table: EncryptedColumns.Table, owner: String, after: UUID?, limit: Int) async throws -> [Row] {
        let columns = SQLList(table.columns.map { SQLIdentifier($0) })
        let afterClause: SQLQueryString = after.map { "AND id > \(bind: $0)" } ?? ""
        let patientClause: SQLQueryString = table.patientColumn.map { ", \(ident: $0) AS patient_ref" } ?? ""
        let rows = try await sqlDatabase().raw("""
            SELECT id, \(columns)\(patientClause) FROM \(ident: table.name) WHERE \(ownerFilter(owner)) \(afterClause)
            ORDER BY id LIMIT \(literal: limit)
            """).all()
        return try rows.map { row in
            Row(id: try row.decode(column: "id", as: UUID.self),
                values: try table.columns.map { ($0, try row.decode(column: $0, as: String?.self)) },
                patientID: table.patientColumn == nil ? nil : try row.decode(column: "patient_ref", as: UUID.self))
        }
    }

    private func forEachSealed(owner: String, _ body: (String, String, String, UUID?) throws -> Void) async throws {
        for table in EncryptedColumns.all {
            var after: UUID? = nil
            while true {
                let rows = try await page(table: table, owner: owner, after: after, limit: 1000)
                if rows.isEmpty { break }
                for row in rows {
                    for (column, token) in row.values { if let token { try body(table.name, column, token, row.patientID) } }
                }
                after = rows.last?.id
            }
        }
    }
}
