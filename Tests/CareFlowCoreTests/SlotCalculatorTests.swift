@testable import CareFlowCore
import Foundation
import Testing

@Suite("Slots in a facility's time zone (pure)")
struct SlotCalculatorTests {
    static let chicago = TimeZone(identifier: "America/Chicago")!
    static let kigali = TimeZone(identifier: "Africa/Kigali")!
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func utc(_ text: String) -> Date {
        FieldReader.parseTimestamp(text)!
    }

    static func day(_ text: String) -> CalendarDay {
        CalendarDay(text)!
    }

    static func window(_ weekday: Int, _ start: String, _ end: String, every minutes: Int) -> AvailabilityWindow {
        AvailabilityWindow(weekday: weekday, startMinute: AvailabilityWindow.minute(ofClock: start)!,
                           endMinute: AvailabilityWindow.minute(ofClock: end)!, slotMinutes: minutes)
    }

    static func clocks(_ slots: [Slot], in zone: TimeZone) -> [String] {
        slots.map { CalendarDay.wallClock($0.start, in: zone) }
    }

    @Test("civil dates parse strictly and know their ISO weekday")
    func calendarDays() {
        #expect(Self.day("2026-03-08").isoWeekday == 7)
        #expect(Self.day("2026-03-09").isoWeekday == 1)
        #expect(Self.day("2026-11-01").isoWeekday == 7)
        #expect(Self.day("1970-01-01").isoWeekday == 4)
        #expect(Self.day("2024-02-29").next == Self.day("2024-03-01"))
        #expect(Self.day("2026-12-31").next == Self.day("2027-01-01"))
        for bad in ["2026-02-29", "2026-13-01", "2026-3-08", "2026-03-8", "20260308", "2026-03-08T00:00", "２０２６-03-08", ""] {
            #expect(CalendarDay(bad) == nil, "\(bad)")
        }
    }

    @Test("wall-clock times map to instants across both Chicago clock changes of 2026")
    func wallClockToInstant() {
        let spring = Self.day("2026-03-08")
        #expect(spring.instant(atMinute: 0, in: Self.chicago) == Self.utc("2026-03-08T06:00:00Z"))
        #expect(spring.instant(atMinute: 90, in: Self.chicago) == Self.utc("2026-03-08T07:30:00Z"))
        // 02:30 does not exist: the clock jumped from 02:00 to 03:00, so it is read as 03:30 CDT.
        #expect(spring.instant(atMinute: 150, in: Self.chicago) == Self.utc("2026-03-08T08:30:00Z"))
        #expect(spring.instant(atMinute: 180, in: Self.chicago) == Self.utc("2026-03-08T08:00:00Z"))
        #expect(spring.interval(in: Self.chicago).duration == 23 * 3600)

        let autumn = Self.day("2026-11-01")
        #expect(autumn.instant(atMinute: 0, in: Self.chicago) == Self.utc("2026-11-01T05:00:00Z"))
        // 01:30 happens twice; the first (CDT) is meant.
        #expect(autumn.instant(atMinute: 90, in: Self.chicago) == Self.utc("2026-11-01T06:30:00Z"))
        #expect(autumn.instant(atMinute: 120, in: Self.chicago) == Self.utc("2026-11-01T08:00:00Z"))
        #expect(autumn.interval(in: Self.chicago).duration == 25 * 3600)
        #expect(Self.day("2026-11-02").interval(in: Self.chicago).duration == 24 * 3600)

        // And back: the day an instant falls on is the facility's, not UTC's.
        #expect(CalendarDay(containing: Self.utc("2026-03-09T04:59:59Z"), in: Self.chicago) == spring)
        #expect(CalendarDay(containing: Self.utc("2026-03-09T05:00:00Z"), in: Self.chicago) == Self.day("2026-03-09"))
        #expect(CalendarDay(containing: Self.utc("2026-03-08T15:00:00Z"), in: Self.tokyo) == Self.day("2026-03-09"))
    }

    @Test("on the spring-forward day a night window is an hour shorter and skips 02:00–03:00")
    func springForward() {
        let slots = SlotCalculator.slots(on: Self.day("2026-03-08"), in: Self.chicago,
                                         windows: [Self.window(7, "00:00", "04:00", every: 30)], blocked: [])
        #expect(Self.clocks(slots, in: Self.chicago) == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"])
        #expect(slots.first?.start == Self.utc("2026-03-08T06:00:00Z"))
        #expect(slots.last?.end == Self.utc("2026-03-08T09:00:00Z"))
        #expect(slots.allSatisfy { $0.end.timeIntervalSince($0.start) == 1800 })
        // A morning window keeps its wall-clock times; in UTC it moves an hour earlier than the day before.
        let saturday = SlotCalculator.slots(on: Self.day("2026-03-07"), in: Self.chicago,
                                            windows: [Self.window(6, "09:00", "10:00", every: 30)], blocked: [])
        let sunday = SlotCalculator.slots(on: Self.day("2026-03-08"), in: Self.chicago,
                                          windows: [Self.window(7, "09:00", "10:00", every: 30)], blocked: [])
        #expect(saturday.map(\.start) == [Self.utc("2026-03-07T15:00:00Z"), Self.utc("2026-03-07T15:30:00Z")])
        #expect(sunday.map(\.start) == [Self.utc("2026-03-08T14:00:00Z"), Self.utc("2026-03-08T14:30:00Z")])
    }

    @Test("on the fall-back day a night window is an hour longer and 01:00–02:00 comes twice")
    func fallBack() {
        let slots = SlotCalculator.slots(on: Self.day("2026-11-01"), in: Self.chicago,
                                         windows: [Self.window(7, "00:00", "04:00", every: 30)], blocked: [])
        #expect(Self.clocks(slots, in: Self.chicago)
            == ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"])
        #expect(Set(slots.map(\.start)).count == 10, "the repeated wall-clock slots are distinct instants")
        #expect(slots[2].start == Self.utc("2026-11-01T06:00:00Z"))
        #expect(slots[4].start == Self.utc("2026-11-01T07:00:00Z"))
        #expect(slots.last?.end == Self.utc("2026-11-01T10:00:00Z"))
        // Booking the first 01:00 leaves the second one free.
        let blocked = [DateInterval(start: slots[2].start, end: slots[2].end)]
        let after = SlotCalculator.slots(on: Self.day("2026-11-01"), in: Self.chicago,
                                         windows: [Self.window(7, "00:00", "04:00", every: 30)], blocked: blocked)
        #expect(after.count == 9)
        #expect(after.contains(slots[4]) && !after.contains(slots[2]))
    }

    @Test("day boundaries: a window ending at 24:00, a zone east of UTC, touching intervals")
    func dayBoundaries() {
        // Monday 2026-03-09 in Kigali (UTC+2): 23:00–24:00 ends exactly at the next local midnight.
        let late = SlotCalculator.slots(on: Self.day("2026-03-09"), in: Self.kigali,
                                        windows: [Self.window(1, "23:00", "24:00", every: 30)], blocked: [])
        #expect(late.map(\.start) == [Self.utc("2026-03-09T21:00:00Z"), Self.utc("2026-03-09T21:30:00Z")])
        #expect(late.last?.end == Self.day("2026-03-10").instant(atMinute: 0, in: Self.kigali))
        // Tokyo's Monday begins on Sunday in UTC; the slot still belongs to Monday's schedule.
        let early = SlotCalculator.slots(on: Self.day("2026-03-09"), in: Self.tokyo,
                                         windows: [Self.window(1, "00:00", "00:30", every: 30), Self.window(7, "00:00", "00:30", every: 30)],
                                         blocked: [])
        #expect(early.map(\.start) == [Self.utc("2026-03-08T15:00:00Z")])
        // Intervals that only touch a slot do not block it; any overlap does.
        let windows = [Self.window(1, "09:00", "10:00", every: 20)]
        let touching = [DateInterval(start: Self.utc("2026-03-09T06:00:00Z"), end: Self.utc("2026-03-09T07:00:00Z")),
                        DateInterval(start: Self.utc("2026-03-09T08:00:00Z"), end: Self.utc("2026-03-09T09:00:00Z"))]
        #expect(SlotCalculator.slots(on: Self.day("2026-03-09"), in: Self.kigali, windows: windows, blocked: touching).count == 3)
        let oneSecond = [DateInterval(start: Self.utc("2026-03-09T07:39:59Z"), end: Self.utc("2026-03-09T07:40:01Z"))]
        #expect(Self.clocks(SlotCalculator.slots(on: Self.day("2026-03-09"), in: Self.kigali, windows: windows, blocked: oneSecond),
                            in: Self.kigali) == ["09:00"])
    }

    @Test("exceptions, the past and other weekdays remove slots")
    func removals() {
        let windows = [Self.window(1, "09:00", "11:00", every: 30), Self.window(2, "09:00", "11:00", every: 30)]
        let monday = Self.day("2026-03-09")
        #expect(SlotCalculator.slots(on: monday, in: Self.kigali, windows: windows, blocked: []).count == 4)
        #expect(SlotCalculator.slots(on: monday, in: Self.kigali, windows: windows, blocked: [monday.interval(in: Self.kigali)]).isEmpty)
        #expect(SlotCalculator.slots(on: Self.day("2026-03-11"), in: Self.kigali, windows: windows, blocked: []).isEmpty)
        // At 09:10 the 09:00 slot has started and is gone.
        let now = Self.utc("2026-03-09T07:10:00Z")
        #expect(Self.clocks(SlotCalculator.slots(on: monday, in: Self.kigali, windows: windows, blocked: [], notBefore: now), in: Self.kigali)
            == ["09:30", "10:00", "10:30"])
        // A slot length that does not divide the window leaves the remainder unused.
        #expect(SlotCalculator.slots(on: monday, in: Self.kigali, windows: [Self.window(1, "09:00", "10:00", every: 25)], blocked: []).count == 2)
    }

    @Test("schedule validation names every bad window")
    func windowProblems() {
        let problems = AvailabilityWindow.problems([
            Self.window(1, "09:00", "12:00", every: 30),
            Self.window(1, "11:30", "13:00", every: 30),
            Self.window(2, "10:00", "10:00", every: 30),
            AvailabilityWindow(weekday: 8, startMinute: 60, endMinute: 90, slotMinutes: 45),
            Self.window(1, "12:00", "13:00", every: 30),
        ])
        #expect(problems == [
            FieldError(field: "windows[1]", reason: "overlaps windows[0]"),
            FieldError(field: "windows[2].end", reason: "must be after start, at the latest 24:00"),
            FieldError(field: "windows[3].weekday", reason: "must be between 1 (Monday) and 7 (Sunday)"),
            FieldError(field: "windows[3].slot_minutes", reason: "is longer than the window"),
            FieldError(field: "windows[4]", reason: "overlaps windows[1]"),
        ])
        #expect(AvailabilityWindow.minute(ofClock: "24:00") == 1440)
        #expect(AvailabilityWindow.minute(ofClock: "24:01") == nil)
        #expect(AvailabilityWindow.minute(ofClock: "9:00") == nil)
    }
}
