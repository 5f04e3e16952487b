import Foundation

extension Appointment {
    /// The time the appointment takes in the doctor's day.
    public var interval: DateInterval { DateInterval(start: startsAt, end: max(startsAt, endsAt)) }
}
