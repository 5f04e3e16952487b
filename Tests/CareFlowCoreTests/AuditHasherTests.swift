import Crypto
import Foundation
import Testing
@testable import CareFlowCore

@Suite("Audit event hashes")
struct AuditHasherTests {
    /// The hash the contract describes, computed by Python's `hashlib` over the fields joined with
    /// U+001F (each U+001F in a field written `\u001f`; ids in Foundation's upper-case form):
    /// `hashlib.sha256("\x1f".join(f.replace("\x1f", "\\u001f") for f in fields).encode()).hexdigest()`.
    @Test("an event hashes as an independent implementation of the contract computes it")
    func knownVector() {
        let event = AuditEvent()
        event.chain = "0b5c2a84-3f0e-4d8a-9a57-1c2d3e4f5a6b"
        event.seq = 42
        event.tenantID = UUID(uuidString: "0b5c2a84-3f0e-4d8a-9a57-1c2d3e4f5a6b")
        event.facilityID = nil
        event.actorKind = "user"
        event.actorID = UUID(uuidString: "9E8D7C6B-5A49-4837-A625-14F3E2D1C0B9")
        event.action = "phi.read"
        event.outcome = "success"
        event.targetType = "patient"
        event.targetID = "a\u{1F}b"
        event.requestID = "req-1"
        event.ip = "127.0.0.1"
        event.details = "{\"q\":\"Émile\u{1F} 患者\"}"
        event.occurredAtMs = 1_764_672_000_000
        event.prevHash = AuditHasher.genesis
        #expect(AuditHasher.hash(of: event) == "ae5263563c8ec09d132ad7672b5ccf440ca08a5301d6b3a9fabf5bdcfeaa76f4")
    }

    /// Chains written before the byte-level hasher must still verify: the earlier form (Foundation's
    /// `replacingOccurrences`, `uuidString`, `String(format: "%02x")`) is kept here as the reference.
    @Test("random events hash as the earlier Foundation-based form did")
    func sameAsEarlierForm() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", "\u{1F}", "\u{1F}\u{301}", "e\u{301}", "é", "患者", "🏥", "\\u001f", "\"", "{", "\n", " ", "0", ""]
        func text() -> String {
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        func optionalText() -> String? { Bool.random(using: &generator) ? text() : nil }
        func optionalID() -> UUID? { Bool.random(using: &generator) ? UUID() : nil }
        for _ in 0..<500 {
            let event = AuditEvent()
            event.chain = text()
            event.seq = Int.random(in: 0...1_000_000_000, using: &generator)
            event.tenantID = optionalID()
            event.facilityID = optionalID()
            event.actorKind = text()
            event.actorID = optionalID()
            event.action = text()
            event.outcome = text()
            event.targetType = optionalText()
            event.targetID = optionalText()
            event.requestID = optionalText()
            event.ip = optionalText()
            event.details = text()
            event.occurredAtMs = Int64.random(in: Int64.min...Int64.max, using: &generator)
            event.prevHash = text()
            #expect(AuditHasher.hash(of: event) == Self.earlierForm(event))
        }
    }

    private static func earlierForm(_ e: AuditEvent) -> String {
        let fields: [String] = [
            e.chain, String(e.seq), e.tenantID?.uuidString ?? "", e.facilityID?.uuidString ?? "",
            e.actorKind, e.actorID?.uuidString ?? "", e.action, e.outcome,
            e.targetType ?? "", e.targetID ?? "", e.requestID ?? "", e.ip ?? "",
            e.details, String(e.occurredAtMs), e.prevHash,
        ]
        let input = fields.map { $0.replacingOccurrences(of: "\u{1F}", with: "\\u001f") }.joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(input.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
