import CareFlowCore
import Foundation
import ProcessSpawn

/// `pg_dump` and `pg_restore` as child processes. The connection goes through libpq's
/// environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) taken apart from
/// DATABASE_URL: the password never appears on a command line (visible in `ps`) or in a log.
struct PostgresClientTools {
    let environment: [String: String]
    private let searchPath: String

    init(databaseURL: String, inherited: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let url = URLComponents(string: databaseURL), let scheme = url.scheme, scheme.hasPrefix("postgres") else {
            throw BackupError.refused("DATABASE_URL is not a postgres:// URL")
        }
        // Only what the tools need, so a stray PGSERVICE or PGOPTIONS of the caller cannot redirect them.
        var env = inherited.filter { !$0.key.hasPrefix("PG") }
        env["PGHOST"] = url.host ?? "localhost"
        env["PGPORT"] = url.port.map(String.init) ?? "5432"
        if let user = url.user { env["PGUSER"] = user }
        if let password = url.password { env["PGPASSWORD"] = password }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw BackupError.refused("DATABASE_URL names no database") }
        env["PGDATABASE"] = database
        let query = url.queryItems ?? []
        if let mode = query.first(where: { $0.name == "sslmode" || $0.name == "tlsmode" })?.value {
            env["PGSSLMODE"] = mode
        }
        environment = env
        searchPath = inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    }

    /// The full path of `tool` on PATH, or a clear refusal.
    func locate(_ tool: String) throws -> String {
        for dir in searchPath.split(separator: ":") {
            let candidate = (String(dir) as NSString).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BackupError.refused("\(tool) is not on PATH: install the PostgreSQL client tools "
            + "(Debian: postgresql-client) of the server's major version or newer")
    }

    /// Runs `tool` and returns its standard output; throws with its standard error (libpq's
    /// messages name host and database, never the password) on a non-zero exit.
    @discardableResult
    func run(_ tool: String, _ arguments: [String]) async throws -> Data {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try locate(tool))
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw BackupError.failed("cannot start \(tool): \(error)") }
        // Both pipes are drained while the tool runs, so a chatty tool cannot block on a full pipe;
        // every wait on a thread of its own (`offThePool`), not on the cooperative pool, which a
        // long `pg_dump` would otherwise hold for every request and task of the process.
        async let stdout = offThePool { out.fileHandleForReading.readDataToEndOfFile() }
        async let errorBytes = offThePool { err.fileHandleForReading.readDataToEndOfFile() }
        let status = try await offThePool { () -> Int32 in
            process.waitUntilExit()
            return process.terminationStatus
        }
        let stderr = String(decoding: try await errorBytes, as: UTF8.self)
        guard status == 0 else {
            throw BackupError.failed("\(tool) exited with status \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return try await stdout
    }
}
