@testable import CareFlowCore
import Foundation
import Testing

@Suite("Shift coverage by hour (pure)")
struct ShiftCoverageTests {
    static let chicago = TimeZone(identifier: "America/Chicago")!

    static func shift(_ from: String, _ to: String, role: Role = .nurse) -> Shift {
        Shift(tenantID: UUID(), userID: UUID(), facilityID: UUID(), startsAt: FieldReader.parseTimestamp(from)!,
              endsAt: FieldReader.parseTimestamp(to)!, role: role, createdBy: nil)
    }

    @Test("a day has 23, 24 or 25 hours in Chicago and each shift shows in the hours it overlaps")
    func hours() {
        #expect(ShiftCoverage.hours(of: CalendarDay("2026-03-08")!, in: Self.chicago, shifts: []).count == 23)
        #expect(ShiftCoverage.hours(of: CalendarDay("2026-03-09")!, in: Self.chicago, shifts: []).count == 24)
        // 00:00–03:00 CST wall clock on the fall-back day is four real hours: 05:00Z–09:00Z.
        let night = Self.shift("2026-11-01T05:00:00Z", "2026-11-01T09:00:00Z")
        let day = Self.shift("2026-11-01T14:30:00Z", "2026-11-01T15:30:00Z", role: .doctor)
        let hours = ShiftCoverage.hours(of: CalendarDay("2026-11-01")!, in: Self.chicago, shifts: [day, night])
        #expect(hours.count == 25)
        #expect(hours.first?.start == FieldReader.parseTimestamp("2026-11-01T05:00:00Z"))
        #expect(hours.last?.end == FieldReader.parseTimestamp("2026-11-02T06:00:00Z"))
        let covered = hours.enumerated().filter { !$0.element.shifts.isEmpty }.map { ($0.offset, $0.element.shifts.map(\.role)) }
        // Hours 0-3 (00:00 CDT, 01:00 CDT, 01:00 CST, 02:00 CST) hold the night shift; 08:00 and 09:00 CST the half-hour overlaps.
        #expect(covered.map(\.0) == [0, 1, 2, 3, 9, 10])
        #expect(covered.map(\.1) == [[.nurse], [.nurse], [.nurse], [.nurse], [.doctor], [.doctor]])
    }
}
