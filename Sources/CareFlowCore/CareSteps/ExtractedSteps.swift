import Foundation

/// What a doctor's note asks the patient to do, in the shape the tenant's LLM is asked to
/// answer with (PRODUCT.md §7): `checklist` holds one-off tasks, `plan` scheduled actions.
/// The rule-based extractor produces the same value, so everything downstream has one input.
public struct ExtractedSteps: Sendable, Equatable, Codable {
    public var checklist: [ChecklistItem]
    public var plan: [PlanItem]

    public init(checklist: [ChecklistItem] = [], plan: [PlanItem] = []) {
        self.checklist = checklist
        self.plan = plan
    }

    public var isEmpty: Bool { checklist.isEmpty && plan.isEmpty }
}

/// A one-off task: "Book a follow-up visit in 2 weeks", "Get a blood test: HbA1c".
public struct ChecklistItem: Sendable, Equatable, Codable {
    public var title: String
    public var detail: String?

    public init(title: String, detail: String? = nil) {
        self.title = title
        self.detail = detail
    }
}

/// A scheduled action, reminded daily until it is checked in or its duration ends.
public struct PlanItem: Sendable, Equatable, Codable {
    public var title: String
    public var detail: String?
    /// 1…24 reminders a day.
    public var timesPerDay: Int
    /// "HH:MM" on the tenant's wall clock for the first reminder of the day; nil spreads the
    /// day's reminders over waking hours (`ReminderTimes`).
    public var timeOfDay: String?
    /// 1…365 days, counted from the day the step was created.
    public var durationDays: Int

    public init(title: String, detail: String? = nil, timesPerDay: Int, timeOfDay: String? = nil, durationDays: Int) {
        self.title = title
        self.detail = detail
        self.timesPerDay = timesPerDay
        self.timeOfDay = timeOfDay
        self.durationDays = durationDays
    }

    enum CodingKeys: String, CodingKey {
        case title, detail
        case timesPerDay = "times_per_day"
        case timeOfDay = "time_of_day"
        case durationDays = "duration_days"
    }
}
