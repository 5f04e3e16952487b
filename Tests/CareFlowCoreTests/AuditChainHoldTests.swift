@testable import CareFlowCore
import Foundation
import Testing

/// A write that never answers must not hold a tenant's audit chain for ever (AuditChainHold).
@Suite("Audit chain hold bound")
struct AuditChainHoldTests {
    @Test("a write that answers in time gives its result or its error")
    func inTime() async throws {
        #expect(try await AuditChainHold.bounded(limit: .seconds(5)) { 42 } == 42)
        await #expect(throws: AppError.conflict("x")) {
            try await AuditChainHold.bounded(limit: .seconds(5)) { () async throws -> Int in throw AppError.conflict("x") }
        }
    }

    @Test("a write that never answers ends as 503 unavailable at the bound, not later")
    func hung() async throws {
        let started = ContinuousClock.now
        await #expect(throws: AuditChainHold.expired) {
            try await AuditChainHold.bounded(limit: .milliseconds(300)) { () async throws -> Int in
                // Never resumed, as a statement on a connection the server closed.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return 1
            }
        }
        let waited = ContinuousClock.now - started
        // The upper bound is loose: a full test run loads two cores far beyond a deployment's load.
        #expect(waited >= .milliseconds(300) && waited < .seconds(60), "\(waited)")
        #expect(AuditChainHold.expired.status == 503)
    }
}
