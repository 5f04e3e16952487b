@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import NIOCore
import SQLKit
import Synchronization
import Testing
import Vapor

/// What `serve` announces while it starts, without a process: the banner's text and fields, the
/// migration summary, the address shown, and the migration runner's progress on each database.
@Suite("Start-up announcements")
struct StartupAnnouncementTests {
    @Test("first start: URL, docs, console, the demo accounts file and how to stop, each on its line")
    func fullBanner() {
        let banner = StartupBanner(url: "http://127.0.0.1:8080", demoAccountsFile: "data/demo-credentials.txt", firstStart: true)
        let text = banner.text(colored: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("CareFlow is running at http://127.0.0.1:8080"))
        #expect(lines.contains("API documentation  http://127.0.0.1:8080/docs"))
        #expect(lines.contains("Admin console      http://127.0.0.1:8080/console"))
        #expect(lines.contains("Demo accounts      data/demo-credentials.txt"))
        #expect(lines.contains("Press Ctrl-C to stop."))
        #expect(!text.contains("\u{1B}"))
        #expect(banner.text(colored: true).contains("\u{1B}[1mhttp://127.0.0.1:8080\u{1B}[0m"))
        // Without demo accounts (production tenants): no such line.
        let plain = StartupBanner(url: "http://127.0.0.1:8080", demoAccountsFile: nil, firstStart: true).text(colored: false)
        #expect(!plain.contains("Demo accounts") && plain.contains("Admin console"))
    }

    @Test("later starts: one line")
    func shortBanner() {
        let text = StartupBanner(url: "http://10.0.0.5:9000", demoAccountsFile: nil, firstStart: false).text(colored: false)
        #expect(text == "CareFlow is running at http://10.0.0.5:9000 (docs http://10.0.0.5:9000/docs, console http://10.0.0.5:9000/console); press Ctrl-C to stop\n")
    }

    @Test("server.started carries the banner's facts as fields")
    func eventFields() {
        let fields = StartupBanner(url: "http://127.0.0.1:8080", demoAccountsFile: "/srv/data/demo-credentials.txt", firstStart: true).metadata
        #expect(fields["url"]?.description == "http://127.0.0.1:8080")
        #expect(fields["docs"]?.description == "http://127.0.0.1:8080/docs")
        #expect(fields["console"]?.description == "http://127.0.0.1:8080/console")
        #expect(fields["demo_accounts_file"]?.description == "/srv/data/demo-credentials.txt")
        #expect(fields["first_start"]?.description == "true")
        let later = StartupBanner(url: "http://127.0.0.1:8080", demoAccountsFile: nil, firstStart: false).metadata
        #expect(later["demo_accounts_file"] == nil && later["first_start"]?.description == "false")
    }

    @Test("Database ready: count and seconds to a tenth, rounded", arguments: [
        (40, Duration.milliseconds(1_249), "Database ready (40 migrations, 1.2 s)"),
        (40, Duration.milliseconds(1_250), "Database ready (40 migrations, 1.3 s)"),
        (1, Duration.milliseconds(30), "Database ready (1 migration, 0.0 s)"),
        (3, Duration.seconds(62), "Database ready (3 migrations, 62.0 s)"),
    ])
    func readyText(applied: Int, duration: Duration, expected: String) {
        #expect(StartupAnnouncer.readyText(.init(applied: applied, newDatabase: true, duration: duration)) == expected)
        #expect(StartupAnnouncer.progressText(done: 23, of: 40) == "Migrating database… 23/40")
    }

    @Test("the URL shown is the bound address; every interface is reached at loopback; IPv6 in brackets")
    func shownURL() throws {
        #expect(AnnouncingServer.url(of: try SocketAddress(ipAddress: "127.0.0.1", port: 8080)) == "http://127.0.0.1:8080")
        #expect(AnnouncingServer.url(of: try SocketAddress(ipAddress: "0.0.0.0", port: 80)) == "http://127.0.0.1:80")
        #expect(AnnouncingServer.url(of: try SocketAddress(ipAddress: "::1", port: 8080)) == "http://[::1]:8080")
        #expect(AnnouncingServer.url(of: try SocketAddress(ipAddress: "::", port: 8080)) == "http://[::1]:8080")
        #expect(AnnouncingServer.url(of: try SocketAddress(ipAddress: "192.168.1.20", port: 8443)) == "http://192.168.1.20:8443")
    }

    @Test("a new database: progress from 0 to the total, one step per migration; the next run has nothing to do",
          arguments: TestBackend.enabled)
    func migrationProgress(backend: TestBackend) async throws {
        let keyring = Keyring(master: try MasterKeys(keys: [FernetKey.generate()]))
        let expected = CareFlowMigrations.all.count + CareFlowMigrations.sealing(keyring: keyring).count
            + CareFlowMigrations.isolation.count
        try await withCareFlow(backend) { outer in
            try await Self.withNewDatabase(backend, beside: outer) { app in
                let seen = Mutex<[[Int]]>([])
                let outcome = try await DatabaseMigration.run(app) { done, total in seen.withLock { $0.append([done, total]) } }
                #expect(outcome.applied == expected)
                #expect(outcome.newDatabase)
                #expect(seen.withLock { $0 } == (0...expected).map { [$0, expected] })
                #expect(try await MigrationLog.query(on: app.db).count() == expected)
                // The schema is really there: a table of the last migrations answers.
                #expect(try await Tenant.query(on: app.db).count() == 0)

                seen.withLock { $0.removeAll() }
                let again = try await DatabaseMigration.run(app) { done, total in seen.withLock { $0.append([done, total]) } }
                #expect(again.applied == 0 && !again.newDatabase)
                #expect(seen.withLock { $0.isEmpty })
            }
        }
    }

    /// A configured app on a database nothing has migrated: a new SQLite file, or a new
    /// PostgreSQL schema (created and dropped through the test app beside it).
    static func withNewDatabase(_ backend: TestBackend, beside outer: Application,
                                _ body: (Application) async throws -> Void) async throws {
        let (dir, tenants) = try makeTestDataDirectory(prefix: "careflow-newdb")
        let schema = "newdb_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let database: AppConfiguration.DatabaseKind
        switch backend {
        case .sqlite: database = .sqlite(path: (dir as NSString).appendingPathComponent("careflow.sqlite"))
        case .postgres:
            let sql = try #require(ownerDatabase(outer) as? any SQLDatabase)
            try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
            database = .postgres(url: try #require(TestBackend.postgresURL), searchPath: schema)
        }
        let app = try await Application.make(.testing)
        func cleanUp() async {
            try? await app.asyncShutdown()
            if backend == .postgres, let sql = ownerDatabase(outer) as? any SQLDatabase {
                try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
            }
            try? FileManager.default.removeItem(atPath: dir)
        }
        do {
            try await configure(app, configuration: testConfiguration(dataDirectory: dir, tenantsDirectory: tenants, database: database))
            try await body(app)
            await cleanUp()
        } catch {
            await cleanUp()
            throw error
        }
    }
}
