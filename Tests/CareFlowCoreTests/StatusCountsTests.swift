@testable import CareFlowCore
import Testing

/// Counts by appointment status: each status has its own count, whatever the order of
/// `allCases`, and the counts come back in the declared order.
@Suite("Status counts (pure)")
struct StatusCountsTests {
    @Test("each status's position is its place in allCases, and no two share one")
    func positions() {
        for (position, status) in Appointment.Status.allCases.enumerated() { #expect(status.countIndex == position, "\(status)") }
    }

    @Test("set, read back, listed in declared order, totalled; missing statuses are zero")
    func counts() {
        var counts = StatusCounts([.noShow: 4, .booked: 1])
        counts[.cancelled] = 9
        counts[.booked] += 2
        #expect(counts[.booked] == 3 && counts[.confirmed] == 0 && counts[.completed] == 0)
        #expect(counts[.cancelled] == 9 && counts[.noShow] == 4)
        #expect(counts.byStatus.map(\.status) == [.booked, .confirmed, .completed, .cancelled, .noShow])
        #expect(counts.byStatus.map(\.count) == [3, 0, 0, 9, 4])
        #expect(counts.total == 16)
        #expect(StatusCounts() == StatusCounts([:]))
        #expect(StatusCounts([.completed: 1]) != StatusCounts([.noShow: 1]))
    }
}
