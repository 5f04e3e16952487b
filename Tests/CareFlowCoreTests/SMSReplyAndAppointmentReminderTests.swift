@testable import CareFlowCore
import Foundation
import Testing

@Suite("SMS replies and appointment reminder times (pure)")
struct SMSReplyAndAppointmentReminderTests {
    @Test("replies: DONE, DONE 2, YES, NO in any case; anything else is unknown")
    func replies() {
        #expect(SMSReply("DONE") == .done(position: 1))
        #expect(SMSReply("  done. ") == .done(position: 1))
        #expect(SMSReply("Done 2") == .done(position: 2))
        #expect(SMSReply("DONE #3") == .done(position: 3))
        #expect(SMSReply("yes") == .confirm)
        #expect(SMSReply("YES!") == .confirm)
        #expect(SMSReply("No") == .decline)
        for other in ["", "done two", "DONE 0", "DONE 2 3", "yes please", "maybe", "NOPE", "DONE -1", "STOP"] {
            #expect(SMSReply(other) == .unknown, "\(other)")
        }
    }

    static let id = UUID()
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static func hours(_ h: Double) -> Date { start.addingTimeInterval(-h * 3600) }

    @Test("24 h and 2 h before; each once; the latest only after downtime; nothing stale")
    func appointmentReminders() {
        let times = AppointmentReminderTimes()
        let booked = Self.hours(72)
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(30), sent: []) == nil)
        let day = times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(23.5), sent: [])
        #expect(day?.offsetSeconds == 86_400)
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(23), sent: [day!]) == nil)
        let two = times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(1.5), sent: [day!])
        #expect(two?.offsetSeconds == 7_200)
        // Down from 30 h before until 1 h before: only the 2 h reminder goes out.
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(1), sent: [])?.offsetSeconds == 7_200)
        // After the start: nothing.
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(-0.1), sent: []) == nil)
        // Booked 5 h before: no 24 h reminder, the 2 h one still comes.
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: Self.hours(5), now: Self.hours(4), sent: []) == nil)
        #expect(times.due(appointmentID: Self.id, start: Self.start, bookedAt: Self.hours(5), now: Self.hours(2), sent: [])?.offsetSeconds == 7_200)
        // Rescheduled a day later: the reminder sent for the old start does not block the new one.
        let later = Self.start.addingTimeInterval(86_400)
        let moved = times.due(appointmentID: Self.id, start: later, bookedAt: booked, now: Self.hours(-0.5), sent: [day!])
        #expect(moved?.offsetSeconds == 86_400 && moved?.start == later)
        // Tenant offsets: 48 h only.
        let custom = AppointmentReminderTimes(offsets: [.seconds(48 * 3600)])
        #expect(custom.due(appointmentID: Self.id, start: Self.start, bookedAt: booked, now: Self.hours(47), sent: [])?.offsetSeconds == 172_800)
    }
}
