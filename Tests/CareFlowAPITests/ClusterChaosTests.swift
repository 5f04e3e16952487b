import Foundation
import ProcessSpawn
import Testing

/// Issue 16, "Several replicas, tested": `infra/local-cluster.sh` brings up a private
/// PostgreSQL, two `careflow serve` replicas, a worker and nginx on loopback;
/// `Tests/Cluster/chaos_load.py` loads it through nginx (logins, patient writes, competing
/// bookings, Stripe webhooks delivered twice, reads) while replica 2 is SIGKILLed and later
/// PostgreSQL is stopped and started. Runs when PostgreSQL is configured for the tests and nginx
/// and PostgreSQL's server binaries are installed; otherwise it says why and skips, unless
/// `CAREFLOW_REQUIRE_INTEROP=1` (CI), where that fails. The numbers go to
/// `benchmarks/cluster-RESULTS.md`. The shared test PostgreSQL is never touched.
@Suite("Cluster under load and chaos", .tags(.slow, .interop), .outsideFastLayer)
struct ClusterChaosTests {
    static let root = CareflowExecutable.root
    static let script = root.appendingPathComponent("infra/local-cluster.sh").path
    static let driver = root.appendingPathComponent("Tests/Cluster/chaos_load.py").path
    static let webhookSecret = "whsec_cluster_chaos_\(UUID().uuidString.prefix(8))"

    static let tenantFile = """
        slug: cluster
        name: Cluster Chaos Group
        timezone: Africa/Kigali
        currency: rwf
        mfa_required_for: []
        demo: true
        facilities:
          - {code: cluster-central, name: Cluster Central}
        integrations:
          payments: {adapter: stripe, secret_key: env:CLUSTER_STRIPE_KEY, webhook_secret: env:CLUSTER_STRIPE_WHSEC}
          sms:      {adapter: console}
          email:    {adapter: console}
          push:     {adapter: console}
          llm:      {adapter: none}
        """

    /// Why the cluster cannot run here, or nil.
    static func missingPrerequisite() -> String? {
        if TestBackend.postgresURL == nil { return "CAREFLOW_TEST_DATABASE_URL is not set (the cluster test runs with the PostgreSQL suite)" }
        let fm = FileManager.default
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin").split(separator: ":") + ["/usr/sbin"]
        func onPath(_ tool: String) -> Bool { paths.contains { fm.isExecutableFile(atPath: "\($0)/\(tool)") } }
        for tool in ["nginx", "psql", "python3", "curl", "openssl"] where !onPath(tool) {
            return "\(tool) is not installed"
        }
        let servers = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if !servers.contains(where: { fm.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) {
            return "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
        }
        if !fm.isExecutableFile(atPath: CareflowExecutable.path) {
            return "\(CareflowExecutable.path) is missing: run `swift build` before `swift test`"
        }
        return nil
    }

    @Test("two replicas behind nginx: a replica SIGKILLed and PostgreSQL restarted under load lose nothing acknowledged")
    func replicaKillAndDatabaseRestart() async throws {
        if let reason = Self.missingPrerequisite() {
            print("ClusterChaosTests skipped: \(reason)")
            if Interop.required { Issue.record("the cluster test cannot run: \(reason)") }
            return
        }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-cluster-\(UUID().uuidString.prefix(8))")
        let tenants = state.appendingPathComponent("tenants")
        try FileManager.default.createDirectory(at: tenants, withIntermediateDirectories: true)
        // The PostgreSQL server runs as `postgres` when the tests run as root: it must reach the folder.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: state.path)
        try Self.tenantFile.write(to: tenants.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        // Ports of their own per test process (base+80 … base+443), clear of the shared 5432.
        let base = 20_000 + Int(ProcessInfo.processInfo.processIdentifier % 40) * 500
        var env = ProcessInfo.processInfo.environment
        for name in ["DATABASE_URL", "CAREFLOW_MASTER_KEYS", "CAREFLOW_DATA_DIR", "CAREFLOW_PUBLIC_URL", "CAREFLOW_TRUSTED_PROXIES",
                     "CAREFLOW_JWT_SIGNING_KEY", "CAREFLOW_DATABASE_SCHEMA", "CAREFLOW_WORKER"] {
            env[name] = nil
        }
        env["CAREFLOW_BIN"] = CareflowExecutable.path
        env["CAREFLOW_CLUSTER_DIR"] = state.path
        env["CAREFLOW_CLUSTER_PORT"] = String(base)
        env["CAREFLOW_TENANTS_DIR"] = tenants.path
        env["CLUSTER_STRIPE_KEY"] = "sk_test_cluster"
        env["CLUSTER_STRIPE_WHSEC"] = Self.webhookSecret
        // Tests hash at cost 4 (as the other suites do); the logins are load, not a bcrypt benchmark.
        env["CAREFLOW_BCRYPT_COST"] = "4"

        let log = state.appendingPathComponent("test.log").path
        do {
            try await Self.exercise(state: state, base: base, env: env, log: log)
        } catch {
            _ = try? await Self.run(["/bin/bash", Self.script, "down"], env: env, log: log, limit: 120)
            throw error
        }
        let down = try await Self.run(["/bin/bash", Self.script, "down"], env: env, log: log, limit: 120)
        #expect(down.status == 0, "local-cluster.sh down: \(down.output)")
        // The replicas' and worker's logs stay beside the recorded results (CI keeps that folder);
        // after a failed `down` the whole folder (database too) stays for a look.
        let kept = Self.root.appendingPathComponent("Tests/Cluster/output/logs")
        try? FileManager.default.removeItem(at: kept)
        try? FileManager.default.copyItem(at: state.appendingPathComponent("logs"), to: kept)
        if down.status == 0 { try? FileManager.default.removeItem(at: state) }
    }

    static func exercise(state: URL, base: Int, env: [String: String], log: String) async throws {
        let up = try await Self.run(["/bin/bash", Self.script, "up"], env: env, log: log, limit: 240)
        try #require(up.status == 0, "local-cluster.sh up failed:\n\(up.output.suffix(3_000))")

        let password = try String(contentsOf: state.appendingPathComponent("secrets/postgres_password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let databaseURL = "postgres://careflow:\(password)@127.0.0.1:\(base + 432)/careflow"
        let report = state.appendingPathComponent("report.json")
        let load = try await Self.run(["/usr/bin/env", "python3", Self.driver,
                                 "--url", "https://127.0.0.1:\(base + 443)", "--script", Self.script,
                                 "--credentials", state.appendingPathComponent("data/demo-credentials.txt").path,
                                 "--tenant", "cluster", "--webhook-secret", Self.webhookSecret, "--database-url", databaseURL,
                                 "--report", report.path,
                                 // The run's table goes beside the screenshots of the browser suite (ignored by git);
                                 // `benchmarks/cluster-RESULTS.md` keeps a recorded run.
                                 "--markdown", Self.root.appendingPathComponent("Tests/Cluster/output/cluster-RESULTS.md").path],
                                env: env, log: log, limit: 240)
        print(load.output.components(separatedBy: "# Local cluster under load and chaos").last.map { "Cluster chaos run:" + $0 } ?? "")
        try #require(load.status == 0, "the load driver failed:\n\(load.output.suffix(3_000))")
        let numbers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        func int(_ key: String) -> Int { numbers[key] as? Int ?? -1 }
        let acknowledged = numbers["acknowledged"] as? [String: Int] ?? [:]
        let attempted = numbers["attempted"] as? [String: Int] ?? [:]

        #expect(int("requests") > 300, "too little load to mean anything: \(int("requests"))")
        for kind in ["logins", "patients", "appointments", "webhooks"] {
            #expect((acknowledged[kind] ?? 0) > 0, "nothing of \(kind) was acknowledged")
        }
        // Every 2xx is in the database; no key made two rows.
        #expect(int("missing_patients") == 0)
        #expect(int("missing_appointments") == 0)
        #expect(int("patients_in_db") <= attempted["patient"] ?? 0, "more patients than keys used")
        #expect(int("appointments_in_db") <= attempted["booking"] ?? 0, "more appointments than keys used")
        #expect(int("doubled_slots") == 0)
        // As in compose, the replicas and the worker connect as careflow_app, subject to row-level
        // security; only `migrate` ran as the tables' owner.
        #expect(int("app_role_sessions") > 0, "no careflow process is connected as careflow_app")
        #expect(int("owner_sessions") == 0, "a careflow process is connected as the tables' owner: \(numbers["owner_session_details"] ?? "")")
        #expect((numbers["webhook_problems"] as? [String])?.isEmpty == true, "\(numbers["webhook_problems"] ?? "")")
        // Never a 500, also not while PostgreSQL was away: then 503 with Retry-After.
        let unhandled = int("server_errors_500") == 0 ? "" : Self.unhandledErrors(in: state.appendingPathComponent("logs"))
        #expect(int("server_errors_500") == 0, "the replicas' unhandled errors:\n\(unhandled)")
        #expect(int("db_down_500") == 0)
        #expect(int("db_down_503") > 0, "no request met the stopped database: \(numbers["db_down_statuses"] ?? "")")
        #expect(int("db_down_503_without_retry_after") == 0)
        // And back to work once it is up again, every kind of request.
        let recovery = try #require(numbers["recovery_seconds"] as? Double, "no request succeeded after the restart")
        #expect(recovery < 15)
        let perOperation = numbers["recovery_seconds_by_operation"] as? [String: Any] ?? [:]
        for op in ["login", "patient", "booking", "webhook", "read"] {
            #expect(perOperation[op] is Double, "no \(op) succeeded after the database restart")
        }

        let verify = try await Self.run(["/bin/bash", Self.script, "careflow", "audit", "verify"], env: env, log: log, limit: 120)
        #expect(verify.status == 0, "audit verify:\n\(verify.output.suffix(2_000))")
        let status = try await Self.run(["/bin/bash", Self.script, "status"], env: env, log: log, limit: 30)
        print(status.output)
        #expect(status.output.contains("worker") && !status.output.contains("worker     -"), "the worker died:\n\(status.output)")
    }

    /// The replicas' "unhandled error" log lines (the error's type; what made a 500), the last ten.
    static func unhandledErrors(in logs: URL) -> String {
        let lines = (1...2).flatMap { n -> [Substring] in
            let text = (try? String(contentsOf: logs.appendingPathComponent("replica\(n).log"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.contains("unhandled error") }
        }
        return lines.suffix(10).joined(separator: "\n")
    }

    /// Runs a command with its output in a file, not a pipe: the daemons it starts must not hold
    /// a pipe of this process open. Killed at `limit` seconds.
    static func run(_ command: [String], env: [String: String], log: String, limit: TimeInterval) async throws -> (status: Int32, output: String) {
        let output = log + ".\(UUID().uuidString.prefix(6))"
        FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = env
        process.currentDirectoryURL = root
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        if let all = FileHandle(forWritingAtPath: log) ?? {
            FileManager.default.createFile(atPath: log, contents: nil)
            return FileHandle(forWritingAtPath: log)
        }() {
            all.seekToEndOfFile()
            all.write(Data("$ \(command.joined(separator: " "))\n\(text)\n".utf8))
            try? all.close()
        }
        return (process.terminationStatus, text)
    }
}
