@testable import CareFlowAPI
@testable import CareFlowCore
import Crypto
import Fluent
import Foundation
import ProcessSpawn
import SQLKit
import Testing
import VaporTesting

/// `careflow backup` / `careflow restore` as an operator runs them (the real executable), on a
/// running instance's data folder and database (issue 16, "Backups that restore").
@Suite("Backup and restore: a busy instance into an empty one; wrong key, tampering, non-empty targets refused",
       .tags(.slow), .outsideFastLayer)
struct BackupRestoreTests {
    typealias F = RecordFixtures

    @Test("a busy instance backed up and restored into an empty one: row counts, a decrypted patient, a document, audit verify",
          arguments: TestBackend.enabled)
    func busyInstanceRestoresIntoEmptyOne(backend: TestBackend) async throws {
        let work = try BackupScratch(backend: backend)
        defer { work.remove() }
        let pdf = F.pdf(size: 300_000 + 17, seed: 16)
        let archive = work.path("careflow.cfbk")
        let restoredDir = work.path("restored")

        var before: [String: Int] = [:]
        var after: [String: Int] = [:]
        var backups = 0
        let (patientID, documentID, doctorToken, masterKey, signingKey) = try await withCareFlow(backend, configure: work.source) { app in
            let dataDir = app.services.configuration.dataDirectory
            let t = try await Fixtures.tenant(app, slug: "backup-busy")
            let patient = try await Fixtures.patient(app, t, given: "Immaculée", family: "Mukamana")
            let up = try await F.upload(app, patientID: patient, token: t[.doctor].token, file: .init(filename: "bilan.pdf", bytes: pdf))
            #expect(up.status == .created, "\(up.text)")
            let document = try #require(up.json["id"] as? String)

            // Registrations go on, one after another, while the backup runs.
            let acknowledged = Counter()
            let writer = Task {
                var n = 0
                while !Task.isCancelled {
                    _ = try await Fixtures.patient(app, t, given: "Busy\(n)", family: "Writer")
                    n += 1
                    await acknowledged.set(n)
                }
            }
            while await acknowledged.value < 3 { try await Task.sleep(for: .milliseconds(20)) }
            // A backup of a small database can finish between two registrations of a loaded
            // machine: then it proved nothing about a busy instance, and is taken again.
            var run: CareflowExecutable.Run
            var (startedAt, endedAt) = (0, 0)
            var attempts = 0
            repeat {
                attempts += 1
                try? FileManager.default.removeItem(atPath: archive)
                before = try await Self.rowCounts(app.db)
                startedAt = await acknowledged.value
                run = try await Self.careflow(["backup", "--to", archive], data: dataDir, work: work)
                endedAt = await acknowledged.value
                after = try await Self.rowCounts(app.db)
            } while run.status == 0 && endedAt == startedAt && attempts < 10
            backups = attempts
            writer.cancel()
            _ = await writer.result
            #expect(run.status == 0, "\(run.output)")
            #expect(endedAt > startedAt, "no write was acknowledged while the backup ran, \(attempts) times (\(startedAt) → \(endedAt))")

            let keys = (dataDir as NSString).appendingPathComponent("keys")
            let master = try String(contentsOfFile: (keys as NSString).appendingPathComponent("master.key"), encoding: .utf8)
            let signing = try Data(contentsOf: URL(fileURLWithPath: (keys as NSString).appendingPathComponent("signing.json")))
            return (patient, document, t[.doctor].token, master.trimmingCharacters(in: .whitespacesAndNewlines), signing)
        }

        // The archive, decrypted with the operator's key by CFE1 alone: the data folder's key
        // files are in it, the master key (text or bytes) is not.
        let plain = try work.decrypt(archive)
        #expect(plain.range(of: signingKey) != nil, "the signing keys are not in the archive")
        #expect(plain.range(of: Data(masterKey.utf8)) == nil, "the master key is in the archive")
        let masterBytes = try #require(Data(base64Encoded: masterKey.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")))
        #expect(plain.range(of: masterBytes) == nil, "the master key's bytes are in the archive")
        #expect(plain.range(of: Data("Immaculée".utf8)) == nil, "a patient's name is in clear in the archive")

        // An empty target with the operator's master key in place.
        try work.placeMasterKey(masterKey, in: restoredDir)
        let restore = try await Self.careflow(["restore", "--from", archive], data: restoredDir, work: work, target: true)
        #expect(restore.status == 0, "\(restore.output)")

        let verify = try await Self.careflow(["audit", "verify"], data: restoredDir, work: work, target: true)
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("audit trail intact"), "\(verify.output)")

        try await withCareFlow(backend, configure: work.restored(restoredDir)) { app in
            let restored = try await Self.rowCounts(app.db)
            #expect(Set(restored.keys) == Set(before.keys))
            for (table, n) in restored.sorted(by: { $0.key < $1.key }) {
                // Taken between the two counts, whatever the writers did meanwhile.
                #expect(n >= before[table] ?? .max, "\(table): \(n) rows restored, \(before[table] ?? -1) before the backup")
                // The restore adds one audit event of its own.
                let extra = table == AuditEvent.schema ? 1 : 0
                #expect(n <= (after[table] ?? -1) + extra, "\(table): \(n) rows restored, \(after[table] ?? -1) after the backup")
            }
            // The archive carries the record of its making (and of any backup taken before it);
            // the restored trail records the restore.
            let sql = try #require(app.db as? any SQLDatabase)
            for (action, wanted) in [("backup.create", backups), ("backup.restore", 1)] {
                let n = try await sql.raw("SELECT count(*) AS n FROM audit_events WHERE action = \(bind: action)").first()?
                    .decode(column: "n", as: Int.self)
                #expect(n == wanted, "\(action): \(n ?? -1) events, \(wanted) wanted")
            }
            #expect(restored["patients"].map { $0 > 1 } == true)

            // The same signing keys and sessions: the source's token still works.
            let read = try await app.send(.GET, "/api/v1/patients/\(patientID)", token: doctorToken)
            #expect(read.status == .ok, "\(read.text)")
            #expect(read.json["given_name"] as? String == "Immaculée")
            #expect(read.json["family_name"] as? String == "Mukamana")
            let download = try await app.send(.GET, "/api/v1/patients/\(patientID)/documents/\(documentID)/content", token: doctorToken)
            #expect(download.status == .ok)
            #expect(download.bytes == pdf, "the document did not come back byte for byte")
        }
    }

    @Test("a wrong key, a tampered byte, a missing or wrong master key and a non-empty target are refused; nothing is replaced",
          arguments: TestBackend.enabled)
    func refusals(backend: TestBackend) async throws {
        let work = try BackupScratch(backend: backend)
        defer { work.remove() }
        let archive = work.path("careflow.cfbk")
        let target = work.path("target")
        let masterKey = try await withCareFlow(backend, configure: work.source) { app in
            let dataDir = app.services.configuration.dataDirectory
            let t = try await Fixtures.tenant(app, slug: "backup-refusals")
            _ = try await Fixtures.patient(app, t)
            let run = try await Self.careflow(["backup", "--to", archive], data: dataDir, work: work)
            #expect(run.status == 0, "\(run.output)")
            let sourceCounts = try await Self.rowCounts(app.db)

            // Restoring over the running instance's own (non-empty) data: refused without --force.
            let overwrite = try await Self.careflow(["restore", "--from", archive], data: dataDir, work: work)
            #expect(overwrite.status != 0)
            #expect(overwrite.output.contains("not empty"), "\(overwrite.output)")
            #expect(try await Self.rowCounts(app.db) == sourceCounts)
            return try String(contentsOfFile: (dataDir as NSString).appendingPathComponent("keys/master.key"), encoding: .utf8)
        }

        // The backup key must not be the master key.
        let sameKey = work.path("master-as-backup.key")
        FileManager.default.createFile(atPath: sameKey, contents: Data(masterKey.utf8), attributes: [.posixPermissions: 0o600])
        try work.placeMasterKey(masterKey, in: target)
        let refusedKey = try await Self.careflow(["backup", "--to", work.path("again.cfbk")], data: target, work: work,
                                                 target: true, keyFile: sameKey)
        #expect(refusedKey.status != 0)
        #expect(refusedKey.output.contains("is a master key"), "\(refusedKey.output)")

        // A wrong backup key.
        let wrongKey = work.path("wrong.key")
        FileManager.default.createFile(atPath: wrongKey, contents: Data(BackupKey.generateText().utf8), attributes: [.posixPermissions: 0o600])
        let wrong = try await Self.careflow(["restore", "--from", archive], data: target, work: work, target: true, keyFile: wrongKey)
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("authentication"), "\(wrong.output)")
        try await work.expectUntouched(target)

        // One byte flipped, in the middle and in the last byte.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        for index in [bytes.count / 2, bytes.count - 1] {
            var tampered = bytes
            tampered[index] ^= 0x01
            let path = work.path("tampered-\(index).cfbk")
            try tampered.write(to: URL(fileURLWithPath: path))
            let run = try await Self.careflow(["restore", "--from", path], data: target, work: work, target: true)
            #expect(run.status != 0)
            #expect(run.output.contains("backup archive refused"), "\(run.output)")
            try await work.expectUntouched(target)
        }
        // Cut short at a segment boundary.
        #expect(bytes.count > 28 + 65_552 + 16, "archive too small to cut at a segment boundary")
        bytes = bytes.prefix(28 + 65_552)
        try bytes.write(to: URL(fileURLWithPath: work.path("truncated.cfbk")))
        let truncated = try await Self.careflow(["restore", "--from", work.path("truncated.cfbk")], data: target, work: work, target: true)
        #expect(truncated.status != 0)
        try await work.expectUntouched(target)

        // Another master key than the one the tenants' keys are wrapped under.
        try FileManager.default.removeItem(atPath: (target as NSString).appendingPathComponent("keys/master.key"))
        try work.placeMasterKey(FernetKey.generate().base64URL, in: target)
        let otherMaster = try await Self.careflow(["restore", "--from", archive], data: target, work: work, target: true)
        #expect(otherMaster.status != 0)
        #expect(otherMaster.output.contains("do not open"), "\(otherMaster.output)")
        try await work.expectUntouched(target)

        // No master key at all.
        try FileManager.default.removeItem(atPath: (target as NSString).appendingPathComponent("keys/master.key"))
        let noMaster = try await Self.careflow(["restore", "--from", archive], data: target, work: work, target: true)
        #expect(noMaster.status != 0)
        #expect(noMaster.output.contains("no master key"), "\(noMaster.output)")
        #expect(!FileManager.default.fileExists(atPath: (target as NSString).appendingPathComponent("keys/master.key")),
                "restore created a master key")

        // With the right key in place the same target restores.
        try work.placeMasterKey(masterKey, in: target)
        let good = try await Self.careflow(["restore", "--from", archive], data: target, work: work, target: true)
        #expect(good.status == 0, "\(good.output)")
        // And a second restore over it needs --force, which keeps the replaced files aside.
        let again = try await Self.careflow(["restore", "--from", archive], data: target, work: work, target: true)
        #expect(again.status != 0)
        #expect(again.output.contains("not empty"), "\(again.output)")
        let forced = try await Self.careflow(["restore", "--from", archive, "--force"], data: target, work: work, target: true)
        #expect(forced.status == 0, "\(forced.output)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasPrefix(".pre-restore-") }
        #expect(kept.count == 1, "\(kept)")
    }

    // MARK: - Helpers

    actor Counter {
        var value = 0
        func set(_ n: Int) { value = n }
    }

    /// Rows per application table of the app's database.
    static func rowCounts(_ db: any Database) async throws -> [String: Int] {
        let sql = try #require(db as? any SQLDatabase)
        let tables: [String] = if sql.dialect.name == "sqlite" {
            try await sql.raw("SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                .map { try $0.decode(column: "t", as: String.self) }
        } else {
            try await sql.raw("SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()").all()
                .map { try $0.decode(column: "t", as: String.self) }
        }
        var counts: [String: Int] = [:]
        for table in tables {
            counts[table] = try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self)
        }
        // A staged audit event moves to the chain within milliseconds: the trail is both tables.
        if let staged = counts.removeValue(forKey: AuditStagedEvent.schema) {
            counts[AuditEvent.schema, default: 0] += staged
        }
        return counts
    }

    /// The executable, off the cooperative pool (it blocks while the child runs).
    static func careflow(_ arguments: [String], data: String, work: BackupScratch, target: Bool = false,
                         keyFile: String? = nil) async throws -> CareflowExecutable.Run {
        var extra = ["CAREFLOW_BACKUP_KEY_FILE": keyFile ?? work.keyFile]
        if let url = target ? work.targetURL : work.sourceURL { extra["DATABASE_URL"] = url }
        let env = extra
        // Not `DispatchQueue.global()`: on Linux its threads are the cooperative pool's.
        return try await offThePool { try CareflowExecutable.run(arguments, data: data, environment: env) }
    }
}

/// A test's folder, backup key and (PostgreSQL) two fresh databases: the source instance's and
/// the empty restore target.
struct BackupScratch {
    let root: String
    let keyFile: String
    let backupKey: [UInt8]
    let sourceURL: String?
    let targetURL: String?
    private let databases: [String]

    init(backend: TestBackend) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        keyFile = (root as NSString).appendingPathComponent("backup.key")
        // 32 random bytes, URL-safe base64: the documented key file form.
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        backupKey = key
        let text = Data(key).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        FileManager.default.createFile(atPath: keyFile, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        if backend == .postgres, let base = TestBackend.postgresURL {
            let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            databases = ["careflow_bk_src_\(suffix)", "careflow_bk_dst_\(suffix)"]
            for name in databases { try Self.psql(base, "CREATE DATABASE \(name)") }
            sourceURL = Self.url(base, database: databases[0])
            targetURL = Self.url(base, database: databases[1])
        } else {
            databases = []
            sourceURL = nil
            targetURL = nil
        }
    }

    func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }

    /// The source instance: on PostgreSQL a whole database of its own, as in production.
    var source: (inout AppConfiguration) -> Void {
        { [sourceURL] config in
            if let sourceURL {
                // One role, the owner, on a database of its own: the test schema's split roles
                // (row-level security) belong to the shared test database.
                config.database = .postgres(url: sourceURL, searchPath: nil)
                config.databaseMigrationURL = nil
            }
        }
    }

    /// An app over the restored data folder and database.
    func restored(_ dir: String) -> (inout AppConfiguration) -> Void {
        { [targetURL] config in
            config.dataDirectory = dir
            config.database = targetURL.map { .postgres(url: $0, searchPath: nil) }
                ?? .sqlite(path: (dir as NSString).appendingPathComponent("careflow.sqlite"))
            config.databaseMigrationURL = nil
        }
    }

    func placeMasterKey(_ key: String, in dir: String) throws {
        let keys = (dir as NSString).appendingPathComponent("keys")
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileManager.default.createFile(atPath: (keys as NSString).appendingPathComponent("master.key"), contents: Data(key.utf8),
                                       attributes: [.posixPermissions: 0o600])
    }

    /// The archive's plaintext, opened with CFE1 and the key alone.
    func decrypt(_ archive: String) throws -> Data {
        let out = URL(fileURLWithPath: path("plain-\(UUID().uuidString)"))
        try StreamingEncryptor.decrypt(input: URL(fileURLWithPath: archive), output: out, key: SymmetricKey(data: backupKey))
        defer { try? FileManager.default.removeItem(at: out) }
        return try Data(contentsOf: out)
    }

    /// A refused restore leaves the target as it was: only the master key in the folder, no
    /// staging leftovers, no database, no tables.
    func expectUntouched(_ dir: String) async throws {
        let entries = try FileManager.default.subpathsOfDirectory(atPath: dir).sorted()
        #expect(entries == ["keys", "keys/master.key"], "\(entries)")
        if let targetURL {
            let tables = try Self.psql(targetURL, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
        if let base = TestBackend.postgresURL {
            for name in databases { _ = try? Self.psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
    }

    static func url(_ base: String, database: String) -> String {
        var components = URLComponents(string: base)!
        components.path = "/" + database
        return components.string!
    }

    /// One statement through psql (the password in its environment), output unaligned.
    @discardableResult
    static func psql(_ url: String, _ statement: String) throws -> String {
        let tools = try PostgresClientTools(databaseURL: url)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try tools.locate("psql"))
        process.arguments = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement]
        process.environment = tools.environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: bytes, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BackupError.failed("psql: \(text)") }
        return text
    }
}
