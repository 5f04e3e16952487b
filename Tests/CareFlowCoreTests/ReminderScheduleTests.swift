@testable import CareFlowCore
import Foundation
import Testing

/// Reminder times on the tenant's wall clock (PRODUCT.md §7, issue 13): daily at the step's
/// times, correct across daylight-saving changes, never in quiet hours, not on a checked-in day.
@Suite("Reminder schedules in the tenant's time zone (pure)")
struct ReminderScheduleTests {
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let kigali = TimeZone(identifier: "Africa/Kigali")!

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func clock(_ text: String) -> LocalClock { LocalClock(text)! }
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    @Test("times of day: a given time first, several spread over the waking day, quiet hours avoided")
    func times() {
        let quiet = QuietHours.standard
        #expect(ReminderTimes.clocks(timesPerDay: 1, timeOfDay: nil, quiet: quiet) == [Self.clock("09:00")])
        #expect(ReminderTimes.clocks(timesPerDay: 1, timeOfDay: Self.clock("20:00"), quiet: quiet) == [Self.clock("20:00")])
        #expect(ReminderTimes.clocks(timesPerDay: 2, timeOfDay: nil, quiet: quiet) == [Self.clock("08:00"), Self.clock("20:00")])
        #expect(ReminderTimes.clocks(timesPerDay: 3, timeOfDay: nil, quiet: quiet).map(\.description) == ["08:00", "14:00", "20:00"])
        #expect(ReminderTimes.clocks(timesPerDay: 4, timeOfDay: nil, quiet: quiet).map(\.description) == ["08:00", "12:00", "16:00", "20:00"])
        // 22:00 is inside 21:00–07:00: moved to the last minute before quiet hours, same day.
        #expect(ReminderTimes.clocks(timesPerDay: 1, timeOfDay: Self.clock("22:00"), quiet: quiet).map(\.description) == ["20:59"])
        // 05:30 is inside the morning part: moved to the end of quiet hours.
        #expect(ReminderTimes.clocks(timesPerDay: 1, timeOfDay: Self.clock("05:30"), quiet: quiet).map(\.description) == ["07:00"])
        // Every 4 hours from 08:00 would reach midnight: the late ones collapse to 20:59, once.
        let six = ReminderTimes.clocks(timesPerDay: 6, timeOfDay: nil, quiet: quiet).map(\.description)
        #expect(six.allSatisfy { !quiet.contains(Self.clock($0)) })
        #expect(Set(six).count == six.count)
        // No quiet hours: 22:00 stays.
        let none = QuietHours(start: Self.clock("00:00"), end: Self.clock("00:00"))
        #expect(ReminderTimes.clocks(timesPerDay: 1, timeOfDay: Self.clock("22:00"), quiet: none).map(\.description) == ["22:00"])
    }

    @Test("quiet hours that do not cross midnight move a time to the nearer edge")
    func daytimeQuietHours() {
        let siesta = QuietHours(start: Self.clock("13:00"), end: Self.clock("15:00"))
        #expect(siesta.allowed(Self.clock("13:30")).description == "12:59")
        #expect(siesta.allowed(Self.clock("14:30")).description == "15:00")
        #expect(siesta.allowed(Self.clock("12:00")).description == "12:00")
    }

    @Test("08:00 stays 08:00 on the wall clock across the spring and autumn changes in New York")
    func daylightSaving() {
        // 2026-03-08: clocks go forward at 02:00 (EST −5 → EDT −4); 2026-11-01 back at 02:00.
        let schedule = ReminderSchedule(firstDay: Self.day("2026-03-07"), durationDays: 3, clocks: [Self.clock("08:00")], zone: Self.newYork)
        #expect(schedule.instants(on: Self.day("2026-03-07")) == [Self.utc("2026-03-07T13:00:00Z")])
        #expect(schedule.instants(on: Self.day("2026-03-08")) == [Self.utc("2026-03-08T12:00:00Z")])
        #expect(schedule.instants(on: Self.day("2026-03-09")) == [Self.utc("2026-03-09T12:00:00Z")])
        #expect(schedule.instants(on: Self.day("2026-03-10")) == [])
        let autumn = ReminderSchedule(firstDay: Self.day("2026-10-31"), durationDays: 2, clocks: [Self.clock("08:00")], zone: Self.newYork)
        #expect(autumn.instants(on: Self.day("2026-10-31")) == [Self.utc("2026-10-31T12:00:00Z")])
        #expect(autumn.instants(on: Self.day("2026-11-01")) == [Self.utc("2026-11-01T13:00:00Z")])
        // A reminder at 02:30 on the spring-forward day (a time that does not exist) goes out at 03:30 EDT.
        let gap = ReminderSchedule(firstDay: Self.day("2026-03-08"), durationDays: 1, clocks: [Self.clock("02:30")], zone: Self.newYork)
        #expect(gap.instants(on: Self.day("2026-03-08")) == [Self.utc("2026-03-08T07:30:00Z")])
    }

    @Test("a plan item created in the evening starts that day, lasts its duration, and Berlin's zone is used")
    func fromPlanItem() {
        let item = PlanItem(title: "Take Amoxicillin 500 mg", timesPerDay: 2, durationDays: 7)
        // 2026-06-01 19:30 in Berlin (UTC+2).
        let created = Self.utc("2026-06-01T17:30:00Z")
        let schedule = ReminderSchedule(item: item, created: created, zone: Self.berlin, quiet: .standard)
        #expect(schedule.firstDay == Self.day("2026-06-01"))
        #expect(schedule.lastDay == Self.day("2026-06-07"))
        #expect(schedule.clocks.map(\.description) == ["08:00", "20:00"])
        // The first reminder is that evening at 20:00 Berlin time; 08:00 had already passed.
        #expect(schedule.next(after: created) == Self.utc("2026-06-01T18:00:00Z"))
        #expect(schedule.next(after: Self.utc("2026-06-07T18:00:00Z")) == nil)
        // Seven days × two reminders.
        var count = 0
        var cursor = created
        while let next = schedule.next(after: cursor) { count += 1; cursor = next }
        #expect(count == 13) // 08:00 on the first day was before the note
    }

    @Test("due reminders: the latest of today, once, none on a checked-in day, no catch-up of yesterday")
    func due() {
        let schedule = ReminderSchedule(firstDay: Self.day("2026-06-01"), durationDays: 5,
                                        clocks: [Self.clock("08:00"), Self.clock("20:00")], zone: Self.kigali) // UTC+2
        let created = Self.utc("2026-06-01T05:00:00Z") // 07:00 local
        // 08:05 local on day 1: the 08:00 reminder is due.
        let morning = Self.utc("2026-06-01T06:00:00Z")
        #expect(schedule.due(at: Self.utc("2026-06-01T06:05:00Z"), created: created, lastSent: nil, checkedIn: []) == morning)
        // Already sent: nothing more until 20:00.
        #expect(schedule.due(at: Self.utc("2026-06-01T12:00:00Z"), created: created, lastSent: morning, checkedIn: []) == nil)
        // A worker down from 07:00 until 22:00 local sends only 20:00, not 08:00 as well.
        #expect(schedule.due(at: Self.utc("2026-06-01T20:00:00Z"), created: created, lastSent: nil, checkedIn: [])
                == Self.utc("2026-06-01T18:00:00Z"))
        // Down for a whole day: yesterday's reminders are not sent today; today's are.
        #expect(schedule.due(at: Self.utc("2026-06-03T05:00:00Z"), created: created, lastSent: morning, checkedIn: []) == nil)
        #expect(schedule.due(at: Self.utc("2026-06-03T06:30:00Z"), created: created, lastSent: morning, checkedIn: [])
                == Self.utc("2026-06-03T06:00:00Z"))
        // Checked in on day 2: no reminder that day.
        #expect(schedule.due(at: Self.utc("2026-06-02T18:30:00Z"), created: created, lastSent: morning,
                             checkedIn: [Self.day("2026-06-02")]) == nil)
        // After the last day: nothing.
        #expect(schedule.due(at: Self.utc("2026-06-06T18:30:00Z"), created: created, lastSent: nil, checkedIn: []) == nil)
        // A note written at 09:00 local does not trigger that morning's 08:00 reminder.
        #expect(schedule.due(at: Self.utc("2026-06-01T07:30:00Z"), created: Self.utc("2026-06-01T07:00:00Z"), lastSent: nil,
                             checkedIn: []) == nil)
    }

    @Test("clock text is exactly HH:MM")
    func clockParsing() {
        #expect(LocalClock("08:00")?.minute == 480)
        #expect(LocalClock("23:59")?.minute == 1439)
        for bad in ["24:00", "8:00", "08:60", "0800", "08:00:00", "", "ab:cd"] { #expect(LocalClock(bad) == nil, "\(bad)") }
    }
}
