import Foundation

/// The wall-clock times of a plan item's reminders on one day.
public enum ReminderTimes {
    /// When a note gives no time: one reminder at 09:00; several spread over 08:00–20:00
    /// (twice a day 08:00 and 20:00, three times 08:00, 14:00, 20:00, …).
    static let defaultSingle = LocalClock(hour: 9, minute: 0)!
    static let dayStart = LocalClock(hour: 8, minute: 0)!
    static let dayEnd = LocalClock(hour: 20, minute: 0)!

    /// The day's reminder times, in order, moved out of quiet hours, without duplicates. A
    /// given `time_of_day` is the first reminder; later ones follow at equal gaps of at most
    /// 24 h / n, ending no later than 20:00 when the first allows it.
    public static func clocks(timesPerDay: Int, timeOfDay: LocalClock?, quiet: QuietHours) -> [LocalClock] {
        let n = max(1, min(timesPerDay, 24))
        let first = timeOfDay ?? (n == 1 ? defaultSingle : dayStart)
        var minutes = [first.minute]
        if n > 1 {
            let room = max(dayEnd.minute - first.minute, 0) / (n - 1)
            let gap = max(room > 0 ? min(room, 1440 / n) : 1440 / n, 1)
            for k in 1..<n where first.minute + k * gap < 1440 { minutes.append(first.minute + k * gap) }
        }
        let moved = minutes.map { quiet.allowed(LocalClock(minute: $0)!) }
        return Array(Set(moved)).sorted()
    }
}
