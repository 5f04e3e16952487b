@testable import CareFlowCore
import Foundation
import Testing

@Suite("Request validation helpers")
struct ValidationTests {
    @Test("FieldReader names every bad, missing and unknown field")
    func fieldReader() throws {
        let object = try JSONValue.parseObject(Data(#"{"email": 3, "roles": ["nurse", "pilot"], "extra": null, "x": 1}"#.utf8))
        var reader = FieldReader(object)
        _ = reader.email("email")
        _ = reader.enumerationArray("roles", Role.self)
        _ = reader.string("name")
        #expect(throws: AppError.validation([
            FieldError(field: "email", reason: "must be a string, not number"),
            FieldError(field: "roles[1]", reason: "must be one of: " + Role.allCases.map(\.rawValue).joined(separator: ", ")),
            FieldError(field: "name", reason: "is required"),
            FieldError(field: "extra", reason: "is not a known field"),
            FieldError(field: "x", reason: "is not a known field"),
        ])) { try reader.finish() }
    }

    @Test("bodies that are not JSON objects are malformed", arguments: ["", "[]", "\"s\"", "{", "nul", "{\"a\":1}}"])
    func malformed(body: String) {
        #expect(throws: AppError.self) { try JSONValue.parseObject(Data(body.utf8)) }
    }

    @Test("cursors round-trip and reject garbage")
    func cursors() throws {
        let c = Cursor(key: "abc-123")
        #expect(try Cursor.decode(c.encoded) == c)
        #expect(throws: AppError.self) { try Cursor.decode("%%%") }
        #expect(try Cursor.decode(nil) == nil)
        #expect(throws: AppError.self) { try PageRequest(limit: 0) }
        #expect(throws: AppError.self) { try PageRequest(limit: 201) }
    }

    @Test("password policy")
    func passwords() {
        #expect(PasswordPolicy.problems(with: "correct-horse-battery", email: "a@b.c").isEmpty)
        #expect(!PasswordPolicy.problems(with: "short", email: nil).isEmpty)
        #expect(!PasswordPolicy.problems(with: "aaaaaaaaaaaaaaaa", email: nil).isEmpty)
        #expect(!PasswordPolicy.problems(with: "jane.doe-is-great", email: "jane.doe@x.org").isEmpty)
        #expect(!PasswordPolicy.problems(with: String(repeating: "ab1-", count: 20), email: nil).isEmpty)
    }

    @Test("lock durations back off exponentially up to the cap")
    func backoff() {
        let p = ThrottlePolicy(accountThreshold: 5, accountLock: 300, maxLock: 3600)
        #expect(p.accountLockDuration(afterFailures: 4) == nil)
        #expect(p.accountLockDuration(afterFailures: 5) == 300)
        #expect(p.accountLockDuration(afterFailures: 6) == 600)
        #expect(p.accountLockDuration(afterFailures: 50) == 3600)
    }

    @Test("audit hashes change with any field")
    func auditHash() {
        let e = AuditEvent()
        e.chain = "c"; e.seq = 1; e.actorKind = "user"; e.action = "a"; e.outcome = "success"; e.details = "{}"
        e.occurredAtMs = 1; e.prevHash = AuditHasher.genesis
        let h = AuditHasher.hash(of: e)
        e.details = #"{"x":"y"}"#
        #expect(AuditHasher.hash(of: e) != h)
        e.details = "{}"
        #expect(AuditHasher.hash(of: e) == h)
        e.prevHash = String(repeating: "1", count: 64)
        #expect(AuditHasher.hash(of: e) != h)
    }
}
