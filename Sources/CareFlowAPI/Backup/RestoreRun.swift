import CareFlowCore
import FluentKit
import Foundation
import SQLKit

/// `careflow restore --from FILE [--force]`. Nothing live is touched until the whole archive
/// has authenticated and been extracted into a staging folder, the operator's master key has
/// opened every live key in it and (SQLite) the staged database's row counts match the
/// manifest. Then the data folder's entries are swapped for the staged ones (the previous ones
/// kept in `.pre-restore-<stamp>/`) and, on PostgreSQL, the dump is restored in one
/// transaction; a failure there puts the previous files back.
struct RestoreRun {
    let config: AppConfiguration
    let key: BackupKey
    let master: MasterKeys
    let force: Bool
    /// The target database (PostgreSQL queries; on both, the audit event once restored).
    let database: any Database
    let say: @Sendable (String) -> Void

    func run(from archive: URL) async throws -> BackupManifest {
        let dataDir = URL(fileURLWithPath: config.dataDirectory)
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stamp = Self.stamp()
        let staging = dataDir.appendingPathComponent(".restore-\(stamp)")
        defer { try? FileManager.default.removeItem(at: staging) }

        // 1. Authenticate and extract (a wrong key or an altered byte stops here).
        let manifest = try BackupArchiveReader.extract(archive: archive, key: key, into: staging)
        let backend: BackupManifest.Backend = config.isEmbedded ? .sqlite : .postgres
        guard manifest.backend == backend else {
            throw BackupError.refused("the archive holds a \(manifest.backend.rawValue) database; this instance runs on \(backend.rawValue)")
        }
        say("archive authenticated: \(manifest.members.count) members, made \(ISO8601DateFormatter().string(from: manifest.createdAt)) by CareFlow \(manifest.careflowVersion)")

        // 2. Check the staged copy; refuse a non-empty target without --force.
        let tools: PostgresClientTools?
        let dump = staging.appendingPathComponent("database/careflow.pgdump")
        switch config.database {
        case .sqlite(let path):
            tools = nil
            let staged = try SQLiteFile(path: staging.appendingPathComponent("database/careflow.sqlite").path, mode: .readOnly)
            let opened = try WrappedKeyCheck.verify(try staged.wrappedKeys(), master: master)
            let counts = try staged.counts()
            guard counts == manifest.counts else { throw BackupError.badArchive("the database copy's row counts differ from the manifest") }
            say("master key opens all \(opened) live tenant keys; \(counts.values.reduce(0, +)) rows in \(counts.count) tables")
            if !force, try Self.hasTables(sqliteAt: path) || Self.hasBlobs(dataDir) {
                throw BackupError.refused("the target is not empty (database \(path) or blobs exist): pass --force to replace it; nothing was changed")
            }
        case .postgres(let url, let schema):
            guard manifest.schema == schema else {
                throw BackupError.refused("the archive holds schema \(manifest.schema ?? "public"); set CAREFLOW_DATABASE_SCHEMA to \(manifest.schema ?? "nothing") for this restore")
            }
            let pg = try PostgresClientTools(databaseURL: config.databaseMigrationURL ?? url)
            tools = pg
            _ = try pg.locate("pg_restore")
            let keysScript = staging.appendingPathComponent("wrapped_keys.sql")
            var arguments = ["--data-only", "--table=\(WrappedKey.schema)", "--file=\(keysScript.path)"]
            if let schema { arguments.append("--schema=\(schema)") }
            try await pg.run("pg_restore", arguments + [dump.path])
            let opened = try WrappedKeyCheck.verify(PostgresCopyText.wrappedKeys(in: try String(contentsOf: keysScript, encoding: .utf8)), master: master)
            say("master key opens all \(opened) live tenant keys")
            if !force, try await Self.hasTables(postgres: database) || Self.hasBlobs(dataDir) {
                throw BackupError.refused("the target is not empty (tables in the database or blobs exist): pass --force to replace it; nothing was changed")
            }
        }

        // 3. Swap the files, then (PostgreSQL) restore the dump in one transaction.
        let aside = dataDir.appendingPathComponent(".pre-restore-\(stamp)")
        var swap = FolderSwap(live: dataDir, aside: aside)
        do {
            if config.isEmbedded {
                try swap.replace(DataFolderMembers.databaseFiles.sorted(), with: nil)
                try swap.replace(["careflow.sqlite"], with: staging.appendingPathComponent("database"))
            }
            try swap.replaceDataEntries(from: staging.appendingPathComponent("data"))
            if let tools {
                // --clean --if-exists inside the single transaction: a target that was not empty
                // (--force) is replaced as a whole or not at all.
                var arguments = ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", "--clean", "--if-exists",
                                 "--dbname=\(tools.environment["PGDATABASE"] ?? "")"]
                if let schema = manifest.schema { arguments.append("--schema=\(schema)") }
                try await tools.run("pg_restore", arguments + [dump.path])
            }
        } catch {
            swap.rollBack()
            throw error
        }
        swap.removeAsideIfEmpty()

        // 4. PostgreSQL: the committed restore must hold what the manifest counted.
        if !config.isEmbedded, let sql = database as? any SQLDatabase {
            // `--no-privileges` restored no grants: where the application connects as its own
            // role (row-level security), that role gets its row privileges back, or every request
            // after the restore would be refused.
            if case .postgres(let url, _) = config.database, let ownerURL = config.databaseMigrationURL,
               let appUser = URLComponents(string: url)?.user?.removingPercentEncoding,
               appUser != URLComponents(string: ownerURL)?.user?.removingPercentEncoding {
                try await GrantApplicationRole(role: appUser).prepare(on: database)
            }
            for (table, expected) in manifest.counts.sorted(by: { $0.key < $1.key }) {
                let n = try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? -1
                guard n == expected else { throw BackupError.failed("after the restore \(table) holds \(n) rows, the archive \(expected)") }
            }
        }
        // The restored trail records the restore itself (its chain continues from the archive's).
        try await BackupDatabase.audit(.backupRestore, archive: archive,
                                       details: ["created_at": ISO8601DateFormatter().string(from: manifest.createdAt),
                                                 "forced": force ? "true" : "false"], on: database)
        say("restored \(manifest.counts.values.reduce(0, +)) rows in \(manifest.counts.count) tables and "
            + "\(manifest.members.filter { $0.path.hasPrefix("data/") }.count) data files"
            + (FileManager.default.fileExists(atPath: aside.path) ? "; the previous files are in \(aside.path) until you remove them" : ""))
        return manifest
    }

    static func stamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date) + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    static func hasTables(sqliteAt path: String) throws -> Bool {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else { return false }
        return try !SQLiteFile(path: path, mode: .readOnly).tables().isEmpty
    }

    static func hasTables(postgres database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { throw BackupError.failed("no PostgreSQL connection") }
        let n = try await sql.raw("SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()").first()?.decode(column: "n", as: Int.self)
        return (n ?? 0) > 0
    }

    static func hasBlobs(_ dataDir: URL) -> Bool {
        let blobs = dataDir.appendingPathComponent("blobs")
        guard let walker = FileManager.default.enumerator(at: blobs, includingPropertiesForKeys: [.isRegularFileKey]) else { return false }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            return true
        }
        return false
    }
}
