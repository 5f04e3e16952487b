import CareFlowCore
import FluentKit
import Foundation
import SQLKit

/// `careflow backup --to FILE`: the database as one consistent snapshot, then the data
/// folder's files (so every blob a copied row refers to is already on disk), into one archive
/// encrypted under the operator's backup key. The master key is never in it.
struct BackupRun {
    let config: AppConfiguration
    let key: BackupKey
    let keyFile: String
    /// The instance's database (PostgreSQL queries, the audit event; SQLite is copied through its own API).
    let database: any Database
    let say: @Sendable (String) -> Void

    func run(to destination: URL) async throws -> BackupManifest {
        try refuseUnsafePlaces(destination: destination)
        let staging = destination.deletingLastPathComponent().appendingPathComponent(".careflow-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: staging) }
        if case .sqlite(let path) = config.database, !FileManager.default.fileExists(atPath: path) {
            throw BackupError.refused("no database at \(path)")
        }
        try await BackupDatabase.audit(.backupCreate, archive: destination,
                                       details: ["backend": config.isEmbedded ? "sqlite" : "postgres"], on: database)
        let writer = try BackupArchiveWriter(destination: destination, key: key)
        do {
            let (manifest, dbMember) = try await snapshotDatabase(into: staging)
            try writer.add(file: dbMember, as: "database/" + dbMember.lastPathComponent)
            try? FileManager.default.removeItem(at: dbMember)
            let files = try DataFolderMembers.list(root: config.dataDirectory)
            for file in files { try writer.add(file: file.url, as: "data/" + file.path) }
            try writer.finish(manifest: manifest)
            let written = writer.writtenMembers
            say("backup written to \(destination.path): \(manifest.backend.rawValue) database with "
                + "\(manifest.counts.values.reduce(0, +)) rows in \(manifest.counts.count) tables, \(files.count) data files, "
                + "\(written.reduce(Int64(0)) { $0 + $1.size }) bytes before encryption")
            var complete = manifest
            complete.members = written
            return complete
        } catch {
            writer.discard()
            throw error
        }
    }

    /// The key must live apart from what it protects, and must not be a master key.
    private func refuseUnsafePlaces(destination: URL) throws {
        if DataFolderMembers.contains(folder: config.dataDirectory, path: keyFile) {
            throw BackupError.refused("the backup key file is inside the data folder \(config.dataDirectory): keep it elsewhere")
        }
        if DataFolderMembers.contains(folder: config.dataDirectory, path: destination.deletingLastPathComponent().path) {
            throw BackupError.refused("write the archive outside the data folder \(config.dataDirectory)")
        }
        let demoMaster = (config.keysDirectory as NSString).appendingPathComponent("master.key")
        let masterText = config.masterKeys ?? (try? String(contentsOfFile: demoMaster, encoding: .utf8))
        if let masterText, let master = try? MasterKeys.parse(masterText), key.isAmong(master) {
            throw BackupError.refused("the backup key is a master key: generate a separate one with `careflow backup --generate-key FILE`")
        }
    }

    /// The database copy (a file in `staging/database/`) and the manifest with its row counts.
    private func snapshotDatabase(into staging: URL) async throws -> (BackupManifest, URL) {
        let folder = staging.appendingPathComponent("database")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        switch config.database {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else { throw BackupError.refused("no database at \(path)") }
            let copy = folder.appendingPathComponent("careflow.sqlite")
            try SQLiteFile(path: path, mode: .existing).backup(to: copy.path)
            let counts = try SQLiteFile(path: copy.path, mode: .readOnly).counts()
            return (BackupManifest(backend: .sqlite, counts: counts), copy)
        case .postgres(let url, let schema):
            guard let sql = database as? any SQLDatabase else { throw BackupError.failed("no PostgreSQL connection") }
            let tools = try PostgresClientTools(databaseURL: config.databaseMigrationURL ?? url)
            _ = try tools.locate("pg_dump")
            let dump = folder.appendingPathComponent("careflow.pgdump")
            let counts = try await PostgresSnapshot.dump(sql: sql, tools: tools, schema: schema, to: dump)
            return (BackupManifest(backend: .postgres, schema: schema, counts: counts), dump)
        }
    }
}

/// pg_dump inside a snapshot this process holds open, so the row counts in the manifest are
/// those of the dump exactly, whatever the server writes meanwhile.
enum PostgresSnapshot {
    static func dump(sql: any SQLDatabase, tools: PostgresClientTools, schema: String?, to file: URL) async throws -> [String: Int] {
        guard let database = sql as? any Database else { throw BackupError.failed("no PostgreSQL connection") }
        return try await database.transaction { tx in
            guard let tx = tx as? any SQLDatabase else { throw BackupError.failed("no PostgreSQL connection") }
            // Must be the transaction's first statement: one snapshot for the counts and the dump.
            try await tx.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            guard let snapshot = try await tx.raw("SELECT pg_export_snapshot() AS id").first()?.decode(column: "id", as: String.self) else {
                throw BackupError.failed("PostgreSQL exported no snapshot")
            }
            let tables = try await tx.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
                .all().map { try $0.decode(column: "tablename", as: String.self) }
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try await tx.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            // Row-level security is forced on the tenant tables: without this flag pg_dump refuses to
            // dump them as any role but a superuser (no tenant set: the policy lets every row through).
            var arguments = ["--format=custom", "--enable-row-security", "--snapshot=\(snapshot)", "--file=\(file.path)"]
            if let schema { arguments.append("--schema=\(schema)") }
            try await tools.run("pg_dump", arguments)
            return counts
        }
    }
}
