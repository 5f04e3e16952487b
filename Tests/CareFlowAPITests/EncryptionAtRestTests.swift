@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import ProcessSpawn
import SQLKit
import Testing
import VaporTesting

@Suite("Field encryption at rest and key rotation")
struct EncryptionAtRestTests {
    static let names = ["Uwimana Claudine", "Habimana Jean-Paul", "Mukamana Aline"]

    /// Seeds users whose email and display name are distinctive plaintexts.
    func seed(_ app: Application, tenant: TestTenant, count: Int) async throws -> [String] {
        let directory = try await Fixtures.directory(app, tenant.id)
        var emails: [String] = []
        for i in 0..<count {
            let email = "patient.\(i).zebra@clinic-\(tenant.tenant.slug).test"
            _ = try await directory.create(email: email, displayName: Self.names[i % Self.names.count] + " \(i)", status: .invited)
            emails.append(email)
        }
        return emails
    }

    @Test("the raw database holds no plaintext emails or names", arguments: TestBackend.enabled)
    func noPlaintext(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "plain")
            let emails = try await seed(app, tenant: t, count: 20)
            let dump: String
            switch backend {
            case .sqlite:
                try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(FULL)").run()
                let dir = app.services.configuration.dataDirectory
                var bytes = Data()
                for suffix in ["", "-wal", "-shm"] {
                    bytes += (try? Data(contentsOf: URL(fileURLWithPath: dir + "/careflow.sqlite" + suffix))) ?? Data()
                }
                dump = String(decoding: bytes, as: UTF8.self)
            case .postgres:
                dump = try await Self.pgDump(schema: try #require(Self.schema(of: app)))
            }
            #expect(dump.count > 10_000)
            #expect(dump.contains("wrapped_keys") || backend == .sqlite)
            for needle in emails + Self.names + ["zebra", "Uwimana", "Habimana", t[.doctor].email] {
                #expect(!dump.contains(needle), "plaintext '\(needle)' found in the \(backend) database")
            }
            // And yet the service reads them back and finds them by blind index.
            let found = try #require(try await Fixtures.directory(app, t.id).find(email: emails[3].uppercased()))
            #expect(try await Fixtures.directory(app, t.id).profile(found).email == emails[3])
        }
    }

    @Test("a sealed value opens with Python's Fernet under the tenant data key, and the reverse", .tags(.interop), .outsideFastLayer,
          arguments: TestBackend.enabled)
    func pythonInterop(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "interop")
            let user = try #require(try await Fixtures.directory(app, t.id).find(email: t[.nurse].email))
            let wrapped = try #require(try await WrappedKey.query(on: app.db).filter(\.$owner == WrappedKey.owner(for: t.id))
                .filter(\.$purpose == .data).filter(\.$status == .active).first())
            let dataKey = try await app.services.keyring.unwrap(wrapped)
            let output = try await Interop.python(script: """
                import sys
                from cryptography.fernet import Fernet
                f = Fernet(sys.argv[1].encode())
                print(f.decrypt(sys.argv[2].encode()).decode())
                print(f.encrypt("Nyiramana Béatrice".encode()).decode())
                """, arguments: [dataKey.base64URL, user.emailSealed.token], requiredModule: "cryptography")
            guard let lines = output?.split(separator: "\n").map(String.init), lines.count == 2 else { return }
            #expect(lines[0] == t[.nurse].email)
            let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            #expect(try cipher.open(Sealed<String>(token: lines[1])) == "Nyiramana Béatrice")
            // Another tenant's key does not open it.
            let other = try await Fixtures.tenant(app, slug: "interop-b")
            let otherCipher = try await app.services.keyring.cipher(forTenant: other.id, on: app.db)
            #expect(throws: FieldCipherError.cannotOpen) { try otherCipher.open(user.emailSealed) }
        }
    }

    @Test("blind indexes are per tenant and normalised")
    func blindIndexes() async throws {
        try await withCareFlow(.sqlite) { app in
            let a = try await Fixtures.tenant(app, slug: "bi-a")
            let b = try await Fixtures.tenant(app, slug: "bi-b")
            let ca = try await app.services.keyring.cipher(forTenant: a.id, on: app.db)
            let cb = try await app.services.keyring.cipher(forTenant: b.id, on: app.db)
            #expect(ca.index(" Jane@Example.ORG ", as: .email) == ca.index("jane@example.org", as: .email))
            #expect(ca.index("jane@example.org", as: .email) != cb.index("jane@example.org", as: .email))
            #expect(ca.index("+250 788-123-456", as: .phone) == ca.index("00250788123456", as: .phone))
            #expect(ca.index("1199", as: .mrn) != ca.index("1199", as: .nationalID))
            #expect(BlindIndexKind.nameTokens("María-José  O'Neil") == ["maria", "jose", "o", "neil"])
        }
    }

    @Test("rotating the master key and a tenant key keeps every row readable, resumes after a crash", arguments: TestBackend.enabled)
    func rotation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rotate")
            let other = try await Fixtures.tenant(app, slug: "rotate-other")
            let emails = try await seed(app, tenant: t, count: 2000)
            let owner = WrappedKey.owner(for: t.id)
            let service = KeyRotationService(db: app.db, keyring: app.services.keyring, audit: app.services.audit)

            // A crash half-way: the process dies after the third batch.
            struct Crash: Error {}
            let batches = Counter()
            await #expect(throws: Crash.self) {
                _ = try await service.rotateDataKey(owner: owner, batchSize: 200) { _ in
                    if batches.increment() == 3 { throw Crash() }
                }
            }
            // Mid-rotation the service still reads every row (old and new key side by side).
            await app.services.keyring.forget(owner: owner)
            let directory = try await Fixtures.directory(app, t.id)
            #expect(try await directory.find(email: emails[1000]) != nil)
            let resumed = try await service.rotateDataKey(owner: owner, batchSize: 200)
            #expect(resumed.resumed)
            #expect(resumed.alreadyRotated >= 500)
            #expect(resumed.verified >= 2 * 2000)

            // The old data key is retired; delete it outright and everything still opens.
            let retired = try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$status == .retired).all()
            #expect(retired.count == 1)
            try await WrappedKey.query(on: app.db).filter(\.$id == retired[0].id!).delete()
            await app.services.keyring.forget(owner: owner)
            let fresh = try await Fixtures.directory(app, t.id)
            for email in emails.shuffled().prefix(50) {
                let user = try #require(try await fresh.find(email: email))
                #expect(try fresh.profile(user).email == email)
            }
            // Login (blind index + sealed email) still works, also for the other tenant.
            let login = try await app.services.auth.login(tenantSlug: "rotate", email: t[.doctor].email, password: testPassword, origin: .none)
            guard case .tokens = login else { Issue.record("login after rotation: \(login)"); return }

            // Master rotation: a new first master key; the old one can then be dropped.
            let newMaster = FernetKey.generate()
            let keyringBoth = Keyring(master: try MasterKeys(keys: [newMaster] + app.services.keyring.master.keys))
            let masterService = KeyRotationService(db: app.db, keyring: keyringBoth, audit: app.services.audit)
            let rewrapped = try await masterService.rewrapUnderCurrentMaster()
            #expect(rewrapped == (try await WrappedKey.query(on: app.db).count()))
            let onlyNew = Keyring(master: try MasterKeys(keys: [newMaster]))
            for tenant in [t, other] {
                let cipher = try await onlyNew.cipher(forTenant: tenant.id, on: app.db)
                let user = try #require(try await UserDirectory(scope: TenantScope(tenantID: tenant.id, db: app.db), cipher: cipher)
                    .find(email: tenant[.nurse].email))
                #expect(try cipher.open(user.emailSealed) == tenant[.nurse].email)
            }
            let oldOnly = Keyring(master: app.services.keyring.master)
            await #expect(throws: KeyHierarchyError.self) { _ = try await oldOnly.cipher(forTenant: t.id, on: app.db) }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["keys.rotate_data_key", "keys.rotate_master"]).count() == 2)
        }
    }

    static func schema(of app: Application) -> String? {
        if case .postgres(_, let searchPath) = app.services.configuration.database { return searchPath }
        return nil
    }

    /// `pg_dump` of the test schema (data and DDL), as an operator's backup would contain it.
    static func pgDump(schema: String) async throws -> String {
        let url = TestBackend.postgresURL!
        // As the tables' owner, who is subject to the forced row-level security: without
        // `--enable-row-security` pg_dump refuses rather than dump a filtered table (no tenant
        // is set, so the policies let every row through).
        let result = try await Interop.run("/usr/bin/env", ["pg_dump", "--enable-row-security", "--schema=\(schema)", url])
        guard result.status == 0 else {
            Issue.record("pg_dump failed: \(result.stderr)")
            return ""
        }
        return result.stdout
    }
}

/// A thread-safe counter for callbacks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

@Suite("Key rotation survives a killed process", .tags(.slow), .outsideFastLayer)
struct KilledRotationTests {
    static var executable: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/careflow").path
    }

    @Test("SIGKILL half-way through `careflow keys rotate --tenant`, then a rerun completes it")
    func killAndResume() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            Issue.record("\(Self.executable) is missing: run `swift build` before `swift test`")
            return
        }
        try await withCareFlow(.sqlite) { app in
            let t = try await Fixtures.tenant(app, slug: "killed")
            let directory = try await Fixtures.directory(app, t.id)
            for i in 0..<1500 {
                _ = try await directory.create(email: "k\(i)@killed.test", displayName: "Killed \(i)", status: .invited)
            }
            let config = app.services.configuration
            var env = ProcessInfo.processInfo.environment
            env["CAREFLOW_DATA_DIR"] = config.dataDirectory
            env["CAREFLOW_TENANTS_DIR"] = config.tenantsDirectory
            env["LOG_LEVEL"] = "error"
            env["DATABASE_URL"] = nil
            env["CAREFLOW_MASTER_KEYS"] = nil
            let log = config.dataDirectory + "/rotate.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            func rotate() throws -> ChildProcess {
                let p = ChildProcess()
                p.executableURL = URL(fileURLWithPath: Self.executable)
                p.arguments = ["keys", "rotate", "--tenant", "killed", "--batch-size", "5", "--no-wait"]
                p.environment = env
                let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
                out.seekToEndOfFile()
                p.standardOutput = out
                p.standardError = out
                try p.run()
                return p
            }
            let owner = WrappedKey.owner(for: t.id)
            let first = try rotate()
            // Wait until the new key exists and some rows moved, then kill -9.
            var rotatedSome = false
            for _ in 0..<200 where !rotatedSome {
                try await Task.sleep(for: .milliseconds(50))
                let keys = try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$purpose == .data).all()
                if let active = keys.first(where: { $0.status == .active && $0.version == 2 }) {
                    let fresh = Fernet(key: try await app.services.keyring.unwrap(active))
                    let users = try await TenantScope(tenantID: t.id, db: app.db).query(User.self).all()
                    rotatedSome = users.filter { (try? fresh.decrypt($0.emailSealed.token)) != nil }.count > 20
                }
            }
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            #expect(first.terminationReason == .uncaughtSignal, "the rotation finished before it could be killed")
            let midway = try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$status == .retiring).count()
            #expect(midway == 1, "the kill did not land half-way")

            let second = try rotate()
            try await offThePool { second.waitUntilExit() }
            #expect(second.terminationStatus == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            await app.services.keyring.forget(owner: owner)
            let retired = try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$status == .retired).all()
            try #require(retired.count == 1)
            try await WrappedKey.query(on: app.db).filter(\.$id == retired[0].id!).delete()
            let fresh = try await Fixtures.directory(app, t.id)
            for i in stride(from: 0, to: 1500, by: 97) {
                let user = try #require(try await fresh.find(email: "k\(i)@killed.test"))
                #expect(try fresh.profile(user).displayName == "Killed \(i)")
            }
        }
    }
}
