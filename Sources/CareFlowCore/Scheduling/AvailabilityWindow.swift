import Foundation

/// One weekly stretch of a doctor's time at a facility, in the facility's wall-clock time:
/// "Mondays 09:00–12:00 in 20-minute slots".
public struct AvailabilityWindow: Sendable, Hashable {
    /// ISO 8601: 1 = Monday … 7 = Sunday.
    public let weekday: Int
    /// Minutes after local midnight.
    public let startMinute: Int
    /// Minutes after local midnight; 1440 is the end of the day.
    public let endMinute: Int
    public let slotMinutes: Int

    public static let slotMinutesRange = 5...240

    public init(weekday: Int, startMinute: Int, endMinute: Int, slotMinutes: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.slotMinutes = slotMinutes
    }

    /// Everything wrong with a set of windows meant to be one facility's weekly schedule, each
    /// problem named as `field[i].member`. Windows of one weekday must not overlap.
    public static func problems(_ windows: [AvailabilityWindow], field: String = "windows") -> [FieldError] {
        var errors: [FieldError] = []
        for (i, w) in windows.enumerated() {
            let name = "\(field)[\(i)]"
            if !(1...7).contains(w.weekday) { errors.append(FieldError(field: "\(name).weekday", reason: "must be between 1 (Monday) and 7 (Sunday)")) }
            if !(0..<1440).contains(w.startMinute) { errors.append(FieldError(field: "\(name).start", reason: "must be a time of day")) }
            if !(1...1440).contains(w.endMinute) || w.endMinute <= w.startMinute {
                errors.append(FieldError(field: "\(name).end", reason: "must be after start, at the latest 24:00"))
            }
            if !slotMinutesRange.contains(w.slotMinutes) {
                errors.append(FieldError(field: "\(name).slot_minutes",
                                         reason: "must be between \(slotMinutesRange.lowerBound) and \(slotMinutesRange.upperBound)"))
            } else if w.endMinute > w.startMinute && w.endMinute - w.startMinute < w.slotMinutes {
                errors.append(FieldError(field: "\(name).slot_minutes", reason: "is longer than the window"))
            }
            if let j = windows[..<i].firstIndex(where: { $0.weekday == w.weekday && $0.startMinute < w.endMinute && w.startMinute < $0.endMinute }) {
                errors.append(FieldError(field: name, reason: "overlaps \(field)[\(j)]"))
            }
        }
        return errors
    }

    /// "HH:mm" for a minute of the day (1440 is "24:00").
    public static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// Minutes after midnight of "HH:mm" (00:00…24:00), or nil.
    public static func minute(ofClock text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.count == 5, parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m), h < 24 || m == 0
        else { return nil }
        return h * 60 + m
    }
}
