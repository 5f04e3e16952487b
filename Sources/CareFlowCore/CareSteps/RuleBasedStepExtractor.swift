import Foundation

/// The extractor for tenants with `llm: none`: common note phrasing turned into the same
/// `ExtractedSteps` an LLM returns. Deterministic, so the same note always gives the same
/// steps. Per sentence, first match wins:
/// - a medicine with a daily frequency → a plan step ("Take Metformin 500 mg", 2×/day, N days);
///   "as needed", weekly or without a frequency → a checklist task; "stop X" → "Stop taking X";
/// - lab tests and imaging ("HbA1c", "chest X-ray") → one checklist task per test;
/// - follow-up visits and referrals → a checklist task;
/// - lifestyle and self-care advice → a plan step when it has a daily frequency ("walk 30
///   minutes daily"), otherwise a checklist task.
/// Sentences about history, findings or allergies give no step.
public struct RuleBasedStepExtractor: Sendable {
    /// Reminders for a daily medicine or habit whose note gives no duration.
    public static let defaultDurationDays = 30

    public init() {}

    public func extract(from note: String) -> ExtractedSteps {
        var steps = ExtractedSteps()
        for sentence in NoteTokens.sentences(of: note) {
            let t = NoteTokens(sentence)
            guard !Self.isNarrative(t) else { continue }
            if let stop = Self.stopped(t) {
                steps.checklist.append(ChecklistItem(title: "Stop taking \(stop)", detail: sentence))
                continue
            }
            let medicines = MedicationMention.all(in: t)
            if !medicines.isEmpty {
                for medicine in medicines { Self.add(medicine, sentence: sentence, to: &steps) }
                continue
            }
            let dosing = Dosing(in: t)
            let tests = LabTestNames.mentioned(in: t)
            if !tests.isEmpty, dosing.timesPerDay == nil || !Self.isSelfMonitoring(t) {
                let when = Self.timing(t)
                for test in tests {
                    steps.checklist.append(ChecklistItem(title: "Get a test: \(test)" + (when.map { " \($0)" } ?? ""), detail: sentence))
                }
                continue
            }
            if let referral = Self.referral(t) {
                steps.checklist.append(ChecklistItem(title: "Attend the referral to \(referral)", detail: sentence))
                continue
            }
            if Self.isFollowUp(t), let when = Self.timing(t) {
                steps.checklist.append(ChecklistItem(title: "Book a follow-up visit \(when)", detail: sentence))
                continue
            }
            if let times = dosing.timesPerDay, Self.isAdvice(t) || Self.isSelfMonitoring(t) {
                steps.plan.append(PlanItem(title: Self.title(sentence), detail: nil, timesPerDay: times,
                                           timeOfDay: dosing.timeOfDay?.description,
                                           durationDays: dosing.durationDays ?? Self.defaultDurationDays))
                continue
            }
            if Self.isAdvice(t) {
                steps.checklist.append(ChecklistItem(title: Self.title(sentence), detail: nil))
            }
        }
        return steps
    }

    static func add(_ medicine: MedicationMention, sentence: String, to steps: inout ExtractedSteps) {
        let verb = medicine.unit.map { ["puff", "puffs", "drops", "drop", "spray", "sprays", "patch"].contains($0) } == true ? "Use" : "Take"
        let title = "\(verb) \(medicine.label)"
        switch medicine.dosing.frequency {
        case .perDay(let n)?:
            steps.plan.append(PlanItem(title: title, detail: sentence, timesPerDay: n,
                                       timeOfDay: medicine.dosing.timeOfDay?.description,
                                       durationDays: medicine.dosing.durationDays ?? defaultDurationDays))
        case .asNeeded?:
            steps.checklist.append(ChecklistItem(title: "\(title) as needed", detail: sentence))
        case .weekly?:
            steps.checklist.append(ChecklistItem(title: "\(title) once a week", detail: sentence))
        case .everyOtherDay?:
            steps.checklist.append(ChecklistItem(title: "\(title) every other day", detail: sentence))
        case nil:
            steps.checklist.append(ChecklistItem(title: "\(title) as prescribed", detail: sentence))
        }
    }

    /// History, examination findings and allergies describe, they do not instruct.
    static func isNarrative(_ t: NoteTokens) -> Bool {
        let lower = t.sentence.lowercased()
        let markers = ["allerg", "history of", "hx of", "previously", "has been taking", "had been", "was on ", "denies",
                       "presents with", "presented with", "complains of", "c/o ", "on examination", "o/e", "diagnosed with",
                       "reports ", "states that", "vital signs", "bp was", "temperature was", "discussed", "normal",
                       "unremarkable", "showed", "shows ", "revealed", " sent", "negative", "positive", "results"]
        if markers.contains(where: { lower.contains($0) }) { return true }
        // Measurements ("BP 150/90 mmHg", "Weight 92 kg", "Hb 10.2 g/dL") are findings.
        let measures: Set<String> = ["mmhg", "kg", "bpm", "g/dl", "mg/dl", "mmol/l", "kg/m2", "spo2", "°c", "cm"]
        return t.lowers.contains { measures.contains($0) }
    }

    /// "Stop ibuprofen", "Discontinue aspirin", "Hold metformin".
    static func stopped(_ t: NoteTokens) -> String? {
        for (i, word) in t.lowers.enumerated() where ["stop", "discontinue", "cease", "hold", "avoid"].contains(word) {
            guard i + 1 < t.tokens.count else { continue }
            let next = t.tokens[i + 1]
            if MedicationMention.knownMedicines.contains(next.lower) {
                return next.text.prefix(1).uppercased() + next.text.dropFirst()
            }
            if next.lower == "taking", i + 2 < t.tokens.count, MedicationMention.knownMedicines.contains(t.tokens[i + 2].lower) {
                let name = t.tokens[i + 2].text
                return name.prefix(1).uppercased() + name.dropFirst()
            }
        }
        return nil
    }

    static let followUpPhrases = ["follow up", "follow-up", "followup", "f/u", "review", "return", "come back", "revisit",
                                  "see me", "see you", "next visit", "next appointment", "recheck", "re-check", "check-up",
                                  "checkup", "reassess", "re-evaluate", "book an appointment", "schedule an appointment"]

    static func isFollowUp(_ t: NoteTokens) -> Bool {
        let lower = t.sentence.lowercased()
        return followUpPhrases.contains { lower.contains($0) }
    }

    /// "in 2 weeks", "in one month", "after 10 days", "next week", "in 3-4 weeks".
    static func timing(_ t: NoteTokens) -> String? {
        let units: [String: (String, String)] = [
            "day": ("day", "days"), "days": ("day", "days"), "week": ("week", "weeks"), "weeks": ("week", "weeks"),
            "wk": ("week", "weeks"), "wks": ("week", "weeks"), "month": ("month", "months"), "months": ("month", "months"),
        ]
        for (i, word) in t.lowers.enumerated() where ["in", "after", "within"].contains(word) {
            var j = i + 1
            // "in 3-4 weeks": the range's upper end
            if j < t.tokens.count, t.lowers[j].contains("-"), let upper = t.lowers[j].split(separator: "-").last, Int(upper) != nil,
               j + 1 < t.tokens.count, let unit = units[t.lowers[j + 1]] {
                return "\(word) \(t.lowers[j]) \(unit.1)"
            }
            if j < t.tokens.count, ["the", "about", "approximately", "approx", "around"].contains(t.lowers[j]) { j += 1 }
            if j + 1 < t.tokens.count, let n = t.count(at: j), n > 0, let unit = units[t.lowers[j + 1]] {
                return "\(word) \(n) \(n == 1 ? unit.0 : unit.1)"
            }
        }
        if let i = t.find("next week") ?? t.find("next month") { return "\(t.lowers[i]) \(t.lowers[i + 1])" }
        if t.contains("tomorrow") { return "tomorrow" }
        return nil
    }

    /// "Refer to cardiology", "referral to the physiotherapy clinic".
    static func referral(_ t: NoteTokens) -> String? {
        for (i, word) in t.lowers.enumerated() where word.hasPrefix("refer") {
            var j = i + 1
            while j < t.tokens.count, ["to", "the", "a", "an", "patient", "pt", "him", "her", "them", "for"].contains(t.lowers[j]) { j += 1 }
            var words: [String] = []
            while j < t.tokens.count, words.count < 4, !["for", "in", "within", "regarding", "about", "re"].contains(t.lowers[j]) {
                words.append(t.tokens[j].text)
                j += 1
            }
            if !words.isEmpty { return words.joined(separator: " ") }
        }
        return nil
    }

    static let adviceWords: Set<String> = [
        "walk", "walking", "exercise", "exercises", "diet", "salt", "sodium", "sugar", "alcohol", "smoking", "smoke",
        "water", "fluids", "fluid", "sleep", "weight", "rest", "elevate", "ice", "stretch", "stretching", "physiotherapy",
        "avoid", "reduce", "limit", "quit", "stop", "drink", "eat", "caffeine", "activity", "active", "steps", "yoga",
        "breathing", "hydrate", "hydrated", "fruit", "vegetables", "fibre", "fiber", "fat", "fried", "cycling", "swim",
        "swimming", "compress", "gargle", "rinse", "wash", "keep", "wear", "stockings", "brace", "splint", "dressing",
    ]

    static func isAdvice(_ t: NoteTokens) -> Bool {
        t.lowers.contains { adviceWords.contains($0) }
    }

    static let monitoringPhrases = ["check your", "check blood", "check bp", "measure", "monitor", "record", "log your",
                                    "test your", "weigh yourself", "blood sugar", "blood glucose", "glucose", "peak flow"]

    static func isSelfMonitoring(_ t: NoteTokens) -> Bool {
        let lower = t.sentence.lowercased()
        return monitoringPhrases.contains { lower.contains($0) }
    }

    /// The sentence as a title: first letter capitalised, trailing punctuation dropped, at most
    /// 120 characters.
    static func title(_ sentence: String) -> String {
        var s = sentence.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        if s.count > 120 { s = String(s.prefix(117)) + "…" }
        return s.prefix(1).uppercased() + s.dropFirst()
    }
}
