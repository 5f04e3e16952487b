@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Crypto
import Foundation
import SQLKit
import Testing
import VaporTesting

/// `GET /api/v1/me` answers from the sealed fields read a moment ago (issue 11): this replica's
/// own changes show at once, another replica's (a direct database write here) within the second,
/// and nothing is kept in clear.
@Suite("Remembered account fields for /me")
struct AccountMemoTests {
    static func user(_ id: UUID, email: String, cipher: FieldCipher) throws -> User {
        let user = User(tenantID: UUID(), emailSealed: try cipher.seal(email), emailIndex: "index", displayNameSealed: nil, status: .active)
        user.id = id
        return user
    }

    @Test("kept for the ttl, forgotten on demand; a read begun before a forget is not stored; sealed, never clear")
    func memoRules() throws {
        let cipher = FieldCipher(dataKeys: [try FernetKey(bytes: [UInt8](repeating: 7, count: 32))], activeVersion: 1,
                                 indexKey: SymmetricKey(size: .bits256))
        let memo = SealedAccountMemo(ttl: 1)
        let id = UUID()
        let start = Date()
        let generation = memo.generation
        memo.remember(try Self.user(id, email: "ana@example.org", cipher: cipher), cipher: cipher, readAt: generation, now: start)
        let entry = try #require(memo.entry(of: id, now: start.addingTimeInterval(0.9)))
        #expect(try entry.cipher.open(entry.email) == "ana@example.org")
        #expect(!String(describing: entry.email).contains("ana@"), "kept sealed")
        #expect(memo.entry(of: id, now: start.addingTimeInterval(1.0)) == nil, "gone after the ttl")

        // A read that began before a forget (the profile changed under it) is not remembered.
        let before = memo.generation
        memo.forget(id)
        memo.remember(try Self.user(id, email: "old@example.org", cipher: cipher), cipher: cipher, readAt: before, now: start)
        #expect(memo.entry(of: id, now: start) == nil)
        memo.remember(try Self.user(id, email: "new@example.org", cipher: cipher), cipher: cipher, readAt: memo.generation, now: start)
        #expect(try memo.entry(of: id, now: start).map { try $0.cipher.open($0.email) } == "new@example.org")
        memo.forget(id)
        #expect(memo.entry(of: id, now: start) == nil)
        // ttl 0: off.
        let off = SealedAccountMemo(ttl: 0)
        off.remember(try Self.user(id, email: "x@example.org", cipher: cipher), cipher: cipher, readAt: off.generation, now: start)
        #expect(off.entry(of: id, now: start) == nil)
    }

    @Test("/me: this replica's PATCH shows at once; another replica's change within the second", arguments: TestBackend.enabled)
    func meFreshness(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "me-memo")
            let nurse = t[.nurse]
            func me() async throws -> [String: Any] {
                let res = try await app.send(.GET, "/api/v1/me", token: nurse.token)
                #expect(res.status == .ok)
                return res.json
            }
            _ = try await me()
            #expect(app.services.accounts.profiles.memo.entry(of: nurse.id) != nil, "the first read is remembered")
            let patch = try await app.send(.PATCH, "/api/v1/me", token: nurse.token, json: jsonBody(["display_name": "Night Nurse"]))
            #expect(patch.status == .ok)
            #expect(try await me()["display_name"] as? String == "Night Nurse", "this replica's change at once")

            // Another replica changes the name: written to the database without this process's services.
            _ = try await me()
            let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE users SET display_name_sealed = \(bind: try cipher.seal("Day Nurse").token) WHERE id = \(bind: nurse.id)").run()
            let written = Date()
            // Every request that starts once the memo's second has passed sees the change. Asked
            // then, rather than timed after a polling loop: under load a request's own latency
            // (1.6 s in one full run) is not the memo's staleness.
            let ttl = app.services.configuration.sessionLivenessTTL
            let wait = written.addingTimeInterval(ttl + 0.1).timeIntervalSinceNow
            if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            #expect(try await me()["display_name"] as? String == "Day Nurse", "another replica's change shows within the memo's second")

            // A staff change saved through Fluent by this process (an admin's edit) is forgotten too.
            _ = try await me()
            let user = try #require(try await User.find(nurse.id, on: app.db))
            user.displayNameSealed = try cipher.seal("Ward Nurse")
            try await user.update(on: app.db)
            #expect(try await me()["display_name"] as? String == "Ward Nurse")
        }
    }
}
