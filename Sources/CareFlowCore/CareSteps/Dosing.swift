import Foundation

/// How often, when and for how long, as a note or a prescription says it ("twice daily",
/// "bid", "every 8 hours", "at bedtime", "for 7 days", "x 10 days", "as needed").
struct Dosing: Equatable {
    enum Frequency: Equatable {
        case perDay(Int)
        case asNeeded
        case weekly
        case everyOtherDay
    }

    var frequency: Frequency?
    var timeOfDay: LocalClock?
    var durationDays: Int?

    var timesPerDay: Int? {
        if case .perDay(let n) = frequency { return n }
        return nil
    }

    /// Phrase → reminders a day, and the wall-clock time the phrase implies. Longer phrases
    /// first so "twice daily" is not read as "daily".
    static let dailyPhrases: [(String, Int, LocalClock?)] = [
        ("four times a day", 4, nil), ("four times daily", 4, nil), ("four times per day", 4, nil),
        ("4 times a day", 4, nil), ("4 times daily", 4, nil), ("4 times per day", 4, nil), ("qid", 4, nil), ("qds", 4, nil),
        ("three times a day", 3, nil), ("three times daily", 3, nil), ("three times per day", 3, nil),
        ("3 times a day", 3, nil), ("3 times daily", 3, nil), ("3 times per day", 3, nil), ("thrice daily", 3, nil),
        ("tid", 3, nil), ("tds", 3, nil),
        ("twice a day", 2, nil), ("twice daily", 2, nil), ("twice per day", 2, nil), ("two times a day", 2, nil),
        ("two times daily", 2, nil), ("2 times a day", 2, nil), ("2 times daily", 2, nil), ("bid", 2, nil), ("bd", 2, nil),
        ("with each meal", 3, nil), ("with meals", 3, nil),
        ("morning and evening", 2, clock(8, 0)), ("morning and night", 2, clock(8, 0)),
        ("every morning", 1, clock(8, 0)), ("each morning", 1, clock(8, 0)), ("qam", 1, clock(8, 0)),
        ("with breakfast", 1, clock(8, 0)), ("before breakfast", 1, clock(7, 30)), ("in the morning", 1, clock(8, 0)),
        ("at noon", 1, clock(12, 0)), ("with lunch", 1, clock(12, 0)),
        ("every evening", 1, clock(19, 0)), ("in the evening", 1, clock(19, 0)), ("with dinner", 1, clock(19, 0)),
        ("with supper", 1, clock(19, 0)), ("every night", 1, clock(20, 0)), ("at night", 1, clock(20, 0)),
        ("nightly", 1, clock(20, 0)), ("at bedtime", 1, clock(20, 0)), ("before bed", 1, clock(20, 0)),
        ("before bedtime", 1, clock(20, 0)), ("qhs", 1, clock(20, 0)), ("hs", 1, clock(20, 0)), ("qpm", 1, clock(19, 0)),
        ("once a day", 1, nil), ("once daily", 1, nil), ("once per day", 1, nil), ("every day", 1, nil),
        ("each day", 1, nil), ("daily", 1, nil), ("a day", 1, nil), ("per day", 1, nil), ("od", 1, nil), ("qd", 1, nil),
    ]

    static let asNeededPhrases = ["as needed", "as required", "when needed", "if needed", "prn", "as necessary", "when required"]
    static let weeklyPhrases = ["once a week", "once weekly", "every week", "weekly"]
    static let otherDayPhrases = ["every other day", "alternate days", "on alternate days", "every second day"]

    static func clock(_ h: Int, _ m: Int) -> LocalClock? { LocalClock(hour: h, minute: m) }

    /// Reads the dosing words in `tokens[range]`.
    init(in tokens: NoteTokens, from start: Int = 0, to end: Int? = nil) {
        let end = min(end ?? tokens.tokens.count, tokens.tokens.count)
        if tokens.containsAny(Self.asNeededPhrases, from: start, to: end) {
            frequency = .asNeeded
        } else if tokens.containsAny(Self.otherDayPhrases, from: start, to: end) {
            frequency = .everyOtherDay
        } else if tokens.containsAny(Self.weeklyPhrases, from: start, to: end) {
            frequency = .weekly
        } else if let hours = Self.everyHours(tokens, start, end) {
            frequency = .perDay(max(1, min(24, 24 / hours)))
        } else if let n = Self.timesADay(tokens, start, end) {
            frequency = .perDay(n)
        } else {
            for (phrase, n, time) in Self.dailyPhrases where tokens.contains(phrase, from: start, to: end) {
                frequency = .perDay(n)
                timeOfDay = time
                break
            }
        }
        if let explicit = Self.explicitClock(tokens, start, end) {
            timeOfDay = explicit
            // "Insulin glargine 20 units at 10 pm": a time of day alone means once a day.
            if frequency == nil { frequency = .perDay(1) }
        }
        durationDays = Self.duration(tokens, start, end)
    }

    /// "every 8 hours", "every 6 hrs", "q8h", "q 6 h", "8 hourly".
    static func everyHours(_ t: NoteTokens, _ start: Int, _ end: Int) -> Int? {
        for i in start..<end {
            let word = t.tokens[i].lower
            if word.count >= 3, word.hasPrefix("q"), word.hasSuffix("h"), let n = Int(word.dropFirst().dropLast()), (1...24).contains(n) {
                return n
            }
            if word == "every", i + 2 < end, let n = t.count(at: i + 1), (1...24).contains(n),
               ["hours", "hour", "hrs", "hr", "h"].contains(t.tokens[i + 2].lower) {
                return n
            }
            if word == "hourly", i > start, let n = t.count(at: i - 1), (1...24).contains(n) { return n }
        }
        return nil
    }

    /// "N times a day", "N times daily", "N x daily", "N x/day".
    static func timesADay(_ t: NoteTokens, _ start: Int, _ end: Int) -> Int? {
        for i in start..<end {
            guard t.tokens[i].isNumber, let n = t.count(at: i), (1...24).contains(n), i + 1 < end,
                  ["times", "x"].contains(t.tokens[i + 1].lower) else { continue }
            if t.containsAny(["a day", "daily", "per day", "x/day", "day"], from: i + 2, to: min(end, i + 4)) { return n }
        }
        return nil
    }

    /// "at 8am", "at 8 am", "at 8:30", "at 20:00", "at 9 pm".
    static func explicitClock(_ t: NoteTokens, _ start: Int, _ end: Int) -> LocalClock? {
        for i in start..<end where t.tokens[i].lower == "at" && i + 1 < end {
            var word = t.tokens[i + 1].lower
            var suffix = i + 2 < end ? t.tokens[i + 2].lower : ""
            for marker in ["am", "pm"] where word.hasSuffix(marker) && word.count > 2 {
                suffix = marker
                word = String(word.dropLast(2))
            }
            let parts = word.split(separator: ":")
            guard let h = parts.first.flatMap({ Int($0) }), parts.count <= 2 else { continue }
            let m = parts.count == 2 ? Int(parts[1]) ?? -1 : 0
            var hour = h
            if suffix == "pm", h < 12 { hour += 12 }
            if suffix == "am", h == 12 { hour = 0 }
            guard parts.count == 2 || suffix == "am" || suffix == "pm" else { continue }
            if let clock = LocalClock(hour: hour, minute: m) { return clock }
        }
        return nil
    }

    /// "for 7 days", "for two weeks", "for a month", "x 10 days", "x7d", "10-day course",
    /// "for the next 5 days", "over 3 days".
    static func duration(_ t: NoteTokens, _ start: Int, _ end: Int) -> Int? {
        func unitDays(_ word: String) -> Int? {
            switch word {
            case "day", "days", "d": 1
            case "week", "weeks", "wk", "wks", "w": 7
            case "month", "months", "mo", "mos": 30
            default: nil
            }
        }
        for i in start..<end {
            let word = t.tokens[i].lower
            if ["for", "x", "×", "over"].contains(word) {
                var j = i + 1
                if j < end, ["the", "next"].contains(t.tokens[j].lower) { j += 1 }
                if j < end, t.tokens[j].lower == "next" { j += 1 }
                if j + 1 < end, let n = t.count(at: j), let unit = unitDays(t.tokens[j + 1].lower), n > 0 { return n * unit }
            }
            // "10-day course", "7 day course"
            if word.hasSuffix("-day"), let n = Int(word.dropLast(4)), n > 0 { return n }
            if let n = t.count(at: i), i + 2 < end, t.tokens[i + 1].lower == "day", t.tokens[i + 2].lower == "course" { return n }
        }
        return nil
    }
}
