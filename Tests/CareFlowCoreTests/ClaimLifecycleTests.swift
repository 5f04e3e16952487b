@testable import CareFlowCore
import Testing

@Suite("Claim lifecycle (pure)")
struct ClaimLifecycleTests {
    typealias S = Claim.Status

    /// The edges of issue 14, "submitted → in_review → approved | denied → paid", read as: review
    /// follows submission, review ends approved or denied, and an approved claim is paid.
    static let issueEdges: Set<String> = ["submitted>in_review", "in_review>approved", "in_review>denied", "approved>paid"]

    @Test("exactly the issue's edges are allowed, every other pair of states is refused with a 409 naming both",
          arguments: S.allCases)
    func edges(from: S) {
        for to in S.allCases {
            let allowed = Self.issueEdges.contains("\(from.rawValue)>\(to.rawValue)")
            #expect(ClaimLifecycle.canMove(from: from, to: to) == allowed, "\(from) → \(to)")
            do {
                try ClaimLifecycle.check(from: from, to: to)
                #expect(allowed, "\(from) → \(to) was let through")
            } catch {
                #expect(!allowed, "\(from) → \(to) was refused")
                #expect(error.status == 409)
                #expect(error.detail.contains(from.rawValue) && error.detail.contains(to.rawValue), "\(error.detail)")
            }
        }
    }

    @Test("paid and denied are final; nothing returns to submitted; only a denial needs a reason")
    func finals() {
        #expect(ClaimLifecycle.next(after: .paid).isEmpty)
        #expect(ClaimLifecycle.next(after: .denied).isEmpty)
        #expect(S.allCases.allSatisfy { !ClaimLifecycle.canMove(from: $0, to: .submitted) })
        #expect(S.allCases.filter(ClaimLifecycle.requiresReason) == [.denied])
    }

    @Test("only issued invoices take claims; a denied claim no longer counts against the invoice")
    func invoicesAndAmounts() {
        let accepting = Invoice.Status.allCases.filter(ClaimLifecycle.acceptsClaims)
        #expect(Set(accepting) == [.open, .paid, .partiallyRefunded])
        #expect(S.allCases.filter { !ClaimLifecycle.holdsAmount($0) } == [.denied])
    }
}
