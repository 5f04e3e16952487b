import FluentKit
import Foundation
import SQLKit

/// Loads many patients at once for benchmarks and test fixtures (`careflow bench seed-patients`):
/// rows exactly as `PatientService.insert` stores them (the same sealed columns under the tenant's
/// data key, the same blind indexes, one name-token row per distinct word, sealed conditions), but
/// a batch per transaction with multi-row INSERTs, MRNs taken from the tenant's counter as one
/// block per batch, and a single audit event for the whole load instead of one per patient.
/// The operator's command line acting as the system, like an import: no per-patient authorization.
public struct PatientBulkLoader: Sendable {
    let keyring: Keyring
    let audit: AuditLog

    /// 1,000 patients × 21 columns stays under SQLite's 32,766 bound parameters per statement.
    public static let defaultBatchSize = 1_000

    public init(keyring: Keyring, audit: AuditLog) {
        self.keyring = keyring
        self.audit = audit
    }

    /// One patient as it was stored, for the caller's record of what it seeded.
    public struct Loaded: Sendable {
        public let id: UUID
        public let mrn: String
        public let input: PatientInput
    }

    /// Inserts `count` patients made by `make(i)` (i from 0), `batchSize` per transaction.
    /// `onBatch` sees each committed batch (progress, the MRNs for a wrk script). A failed batch
    /// rolls back whole, its MRN block included; batches committed before it stay.
    @discardableResult
    public func load(count: Int, batchSize: Int = defaultBatchSize, in scope: TenantScope, origin: RequestOrigin,
                     make: @escaping @Sendable (Int) -> PatientInput,
                     onBatch: ([Loaded]) throws -> Void = { _ in }) async throws -> Int {
        guard count > 0 else { return 0 }
        let batchSize = max(1, min(batchSize, Self.defaultBatchSize))
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let facilities = Set(try await scope.query(Facility.self).all().compactMap(\.id))
        let started = Date()
        var sealed = 0, committed = 0
        // Sealing is CPU work and the insert is database work: the next batch is sealed while
        // the current one is written.
        var next: Task<[Row], any Error>? = Self.sealTask(range: 0..<min(batchSize, count), make: make, cipher: cipher,
                                                          tenantID: scope.tenantID, facilities: facilities)
        do {
            while let current = next {
                let rows = try await current.value
                sealed += rows.count
                next = sealed < count
                    ? Self.sealTask(range: sealed..<min(sealed + batchSize, count), make: make, cipher: cipher, tenantID: scope.tenantID,
                                    facilities: facilities)
                    : nil
                let loaded = try await write(rows, tenantID: scope.tenantID, db: scope.db)
                committed += loaded.count
                try onBatch(loaded)
            }
        } catch {
            next?.cancel()
            // What did get in is on record, whatever stopped the rest.
            _ = try? await audit.append(summary(of: committed, since: started, tenantID: scope.tenantID, outcome: .failure), origin: origin,
                                        on: scope.db)
            throw error
        }
        try await audit.append(summary(of: committed, since: started, tenantID: scope.tenantID, outcome: .success), origin: origin,
                               on: scope.db)
        return committed
    }

    /// One event for the whole load: a system action, no patient named.
    private func summary(of count: Int, since started: Date, tenantID: UUID, outcome: AuditOutcome) -> AuditRecord {
        AuditRecord(tenantID: tenantID, actor: .system, action: .patientBulkLoad, outcome: outcome, targetType: "patient",
                    details: ["count": String(count), "seconds": String(Int(Date().timeIntervalSince(started).rounded()))])
    }

    // MARK: - Sealing

    /// A patient sealed and indexed, waiting for its MRN (allocated inside the batch's transaction).
    struct Row: Sendable {
        let id: UUID
        let input: PatientInput
        let values: [any SQLExpression]
        let nameTokens: [String]
        let conditions: [[any SQLExpression]]
        let nationalIDIndex: String?
        /// The patient's own key, sealed under the tenant's, and the cipher it makes: as a
        /// registration, every value of the patient is sealed under it (crypto-shredding).
        let keySealed: Sealed<String>
        let cipher: FieldCipher
    }

    private static func sealTask(range: Range<Int>, make: @escaping @Sendable (Int) -> PatientInput, cipher: FieldCipher,
                                 tenantID: UUID, facilities: Set<UUID>) -> Task<[Row], any Error> {
        Task {
            // Both cores: the batch sealed in two halves at once.
            let parts = range.count >= 200 ? 2 : 1
            let step = (range.count + parts - 1) / parts
            return try await withThrowingTaskGroup(of: (Int, [Row]).self) { group in
                for part in 0..<parts {
                    let slice = (range.lowerBound + part * step)..<min(range.upperBound, range.lowerBound + (part + 1) * step)
                    group.addTask {
                        (part, try slice.map { try seal(make($0), cipher: cipher, tenantID: tenantID, facilities: facilities) })
                    }
                }
                var halves: [(Int, [Row])] = []
                for try await half in group { halves.append(half) }
                return halves.sorted { $0.0 < $1.0 }.flatMap(\.1)
            }
        }
    }

    /// The columns `PatientService.apply` sets, in `patientColumns` order after `mrn_sealed`,
    /// `mrn_index` (which `write` prepends once the MRN is known).
    static func seal(_ input: PatientInput, cipher tenantCipher: FieldCipher, tenantID: UUID, facilities: Set<UUID>) throws -> Row {
        if let home = input.homeFacilityID, !facilities.contains(home) {
            throw AppError.invalid("home_facility_id", "is not a facility of this tenant")
        }
        let key = FernetKey.generate()
        let keySealed = try tenantCipher.seal(key.base64URL)
        let cipher = FieldCipher(sealingWith: key, fallingBackTo: tenantCipher)
        let id = TimeOrderedID.make()
        let now = Date()
        let nationalIDIndex = input.nationalID.map { cipher.index($0, as: .nationalID) }
        let values: [any SQLExpression] = [
            SQLBind(id), SQLBind(tenantID), bindOrNull(input.homeFacilityID), SQLLiteral.null,
            SQLBind(try cipher.seal(input.givenName).token), SQLBind(try cipher.seal(input.familyName).token),
            bindOrNull(try input.birthDate.map { try cipher.seal($0).token }),
            bindOrNull(input.birthDate.flatMap { Int($0.prefix(4)) } ?? input.birthYear),
            SQLBind(input.sex.rawValue),
            bindOrNull(try input.phone.map { try cipher.seal($0).token }), bindOrNull(input.phone.map { cipher.index($0, as: .phone) }),
            bindOrNull(try input.email.map { try cipher.seal(BlindIndexKind.email.normalise($0)).token }),
            bindOrNull(input.email.map { cipher.index($0, as: .email) }),
            bindOrNull(try input.nationalID.map { try cipher.seal($0).token }), bindOrNull(nationalIDIndex),
            SQLBind(try cipher.seal(input.details).token), SQLLiteral.null, SQLBind(now), SQLBind(now),
        ]
        let tokens = Set(BlindIndexKind.nameTokens(input.givenName + " " + input.familyName)).map { cipher.index($0, as: .nameToken) }
        let conditions: [[any SQLExpression]] = try input.conditions.map { c in
            let condition = try PatientCondition(tenantID: tenantID, patientID: id, code: c.code,
                                                 noteSealed: try c.note.map { try cipher.seal($0) }, cipher: cipher)
            return [SQLBind(UUID()), SQLBind(tenantID), SQLBind(id), SQLBind(condition.codeSealed.token), SQLBind(condition.codeIndex),
                    bindOrNull(condition.noteSealed?.token)]
        }
        return Row(id: id, input: input, values: values, nameTokens: tokens, conditions: conditions, nationalIDIndex: nationalIDIndex,
                   keySealed: keySealed, cipher: cipher)
    }

    private static func bindOrNull(_ value: (some Encodable & Sendable)?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }

    static let patientColumns = [
        "mrn_sealed", "mrn_index", "id", "tenant_id", "home_facility_id", "user_id", "given_name_sealed", "family_name_sealed",
        "birth_date_sealed", "birth_year", "sex", "phone_sealed", "phone_index", "email_sealed", "email_index", "national_id_sealed",
        "national_id_index", "details_sealed", "deleted_at", "created_at", "updated_at",
    ]

    // MARK: - Writing

    /// One transaction: the MRN block, the patients' keys, the patients, their name tokens and conditions.
    private func write(_ rows: [Row], tenantID: UUID, db: any Database) async throws -> [Loaded] {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            try await refuseDuplicateNationalIDs(rows, tenantID: tenantID, on: sql)
            let first = try await MRNAllocator.block(of: rows.count, tenantID: tenantID, on: tx)
            var loaded: [Loaded] = []
            loaded.reserveCapacity(rows.count)
            let now = Date()
            var keys = sql.insert(into: PatientKey.schema).columns("id", "tenant_id", "patient_id", "key_sealed", "created_at")
            var patients = sql.insert(into: Patient.schema).columns(Self.patientColumns)
            var tokens = sql.insert(into: PatientNameToken.schema).columns("id", "tenant_id", "patient_id", "token_index")
            var conditions = sql.insert(into: PatientCondition.schema)
                .columns("id", "tenant_id", "patient_id", "code_sealed", "code_index", "note_sealed")
            var anyToken = false, anyCondition = false
            for (offset, row) in rows.enumerated() {
                let mrn = MRNAllocator.format(first + Int64(offset))
                keys = keys.values([SQLBind(UUID()), SQLBind(tenantID), SQLBind(row.id), SQLBind(row.keySealed.token), SQLBind(now)]
                                   as [any SQLExpression])
                patients = patients.values([SQLBind(try row.cipher.seal(mrn).token), SQLBind(row.cipher.index(mrn, as: .mrn))] + row.values)
                for token in row.nameTokens {
                    tokens = tokens.values([SQLBind(UUID()), SQLBind(tenantID), SQLBind(row.id), SQLBind(token)] as [any SQLExpression])
                    anyToken = true
                }
                for condition in row.conditions {
                    conditions = conditions.values(condition)
                    anyCondition = true
                }
                loaded.append(Loaded(id: row.id, mrn: mrn, input: row.input))
            }
            try await keys.run()
            try await patients.run()
            if anyToken { try await tokens.run() }
            if anyCondition { try await conditions.run() }
            return loaded
        }
    }

    /// A national id belongs to one living patient (as `PatientService.refuseDuplicate` holds
    /// for a registration by a caller who may read every patient): within the batch and against
    /// the table.
    private func refuseDuplicateNationalIDs(_ rows: [Row], tenantID: UUID, on sql: any SQLDatabase) async throws {
        let indexes = rows.compactMap(\.nationalIDIndex)
        guard !indexes.isEmpty else { return }
        if Set(indexes).count != indexes.count { throw AppError.conflict("A national id appears twice in the batch") }
        let taken = try await sql.select().column("id").from(Patient.schema)
            .where("tenant_id", .equal, SQLBind(tenantID)).where("deleted_at", .is, SQLLiteral.null)
            .where("national_id_index", .in, SQLBind.group(indexes)).limit(1).all()
        if !taken.isEmpty { throw AppError.conflict("A patient with this national id is already registered") }
    }
}

extension MRNAllocator {
    /// Reserves `count` consecutive MRNs with the same counter `next` advances, in one statement,
    /// so registrations after (or during) the load get numbers after the block. Returns the first.
    static func block(of count: Int, tenantID: UUID, on db: any Database) async throws -> Int64 {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let row = try await sql.raw("""
            INSERT INTO mrn_sequences (tenant_id, next_value) VALUES (\(bind: tenantID), \(bind: Int64(count)))
            ON CONFLICT (tenant_id) DO UPDATE SET next_value = mrn_sequences.next_value + \(bind: Int64(count))
            RETURNING next_value
            """).first()
        guard let last = try row?.decode(column: "next_value", as: Int64.self) else {
            throw AppError.unavailable("Could not allocate medical record numbers")
        }
        return last - Int64(count) + 1
    }
}
