import CareFlowCore
import Vapor

/// A care step as the API shows it: title and detail opened; `schedule` for a plan step, null
/// for a checklist task; `checked_in_at` the instants of its check-ins, oldest first.
struct CareStepDTO: Content {
    let id: UUID
    let noteID: UUID
    let kind: String
    let title: String
    let detail: String?
    let schedule: Schedule?
    let status: String
    let createdAt: Date?
    let checkedInAt: [Date]

    /// When a plan step is reminded, on the tenant's wall clock.
    struct Schedule: Content, SchemaAnnotated {
        let timesPerDay: Int
        /// "HH:MM", in order.
        let times: [String]
        /// YYYY-MM-DD, the tenant-local day of the first reminder.
        let firstDay: String
        let durationDays: Int
        let timeZone: String

        enum CodingKeys: String, CodingKey {
            case times
            case timesPerDay = "times_per_day"
            case firstDay = "first_day"
            case durationDays = "duration_days"
            case timeZone = "time_zone"
        }

        static var schemaNotes: [String: SchemaNote] {
            ["first_day": .format("date"), "times": .description("HH:MM on the tenant's wall clock")]
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, detail, schedule, status
        case noteID = "note_id"
        case createdAt = "created_at"
        case checkedInAt = "checked_in_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(noteID, forKey: .noteID)
        try c.encode(kind, forKey: .kind)
        try c.encode(title, forKey: .title)
        try c.encode(detail, forKey: .detail)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(checkedInAt, forKey: .checkedInAt)
    }
}

extension CareStepDTO {
    init(_ view: CareStepService.View) {
        let s = view.step
        id = s.id!
        noteID = s.noteID
        kind = s.kind.rawValue
        title = view.title
        detail = view.detail
        schedule = s.schedule.map { plan in
            Schedule(timesPerDay: s.timesPerDay ?? plan.clocks.count, times: plan.clocks.map(\.description),
                     firstDay: plan.firstDay.description, durationDays: plan.durationDays, timeZone: s.timeZone)
        }
        status = s.status.rawValue
        createdAt = s.createdAt
        checkedInAt = view.checkIns.map(\.checkedInAt)
    }
}

extension CareStepDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [CareStepDTO(id: UUID(), noteID: UUID(), kind: CareStep.Kind.plan.rawValue, title: "Take Metformin 500 mg", detail: "With meals",
                     schedule: Schedule(timesPerDay: 2, times: ["08:00", "20:00"], firstDay: "2026-03-07", durationDays: 30,
                                        timeZone: "Africa/Kigali"),
                     status: CareStep.Status.open.rawValue, createdAt: Date(), checkedInAt: [Date()])]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["kind": .values(of: CareStep.Kind.self), "status": .values(of: CareStep.Status.self)]
    }
}
