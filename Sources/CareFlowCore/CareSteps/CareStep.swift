import FluentKit
import Foundation

/// One thing a visit note asks the patient to do (issue 13): a one-off `checklist` task, or a
/// `plan` action reminded at `clocks` every day from `first_day` for `duration_days` days until
/// checked in. Title and detail are PHI and sealed under the tenant's data key; the schedule is
/// in clear because the reminder scheduler scans it without opening anything.
public final class CareStep: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "care_steps"
    public static var tenantIDField: KeyPath<CareStep, FieldProperty<CareStep, UUID>> { \.$tenantID }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case checklist, plan
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Still to do (a plan step: still reminded).
        case open
        /// Checked in (a checklist task), or checked in on its last day (a plan step).
        case done
        /// Superseded by a newer note of the patient (`superseded_by`).
        case cancelled
    }

    /// Who turned the note into steps.
    public enum Source: String, Codable, Sendable, CaseIterable {
        case llm, rules
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "note_id") public var noteID: UUID
    @Field(key: "kind") public var kind: Kind
    @Field(key: "title_sealed") public var titleSealed: Sealed<String>
    @OptionalField(key: "detail_sealed") public var detailSealed: Sealed<String>?
    /// Plan steps only: reminders a day, and their wall-clock times ("08:00,20:00"), already
    /// moved out of the tenant's quiet hours (`ReminderTimes`).
    @OptionalField(key: "times_per_day") public var timesPerDay: Int?
    @OptionalField(key: "clocks") public var clocksText: String?
    /// Plan steps only: the tenant-local day of the first reminder (YYYY-MM-DD) and how many days.
    @OptionalField(key: "first_day") public var firstDayText: String?
    @OptionalField(key: "duration_days") public var durationDays: Int?
    /// The tenant's IANA zone when the step was made: "today" for a check-in is the day there.
    @Field(key: "time_zone") public var timeZone: String
    @Field(key: "status") public var status: Status
    /// The note whose extraction cancelled this step.
    @OptionalField(key: "superseded_by") public var supersededBy: UUID?
    @Field(key: "source") public var source: Source
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    /// The reminder times of a plan step.
    public var clocks: [LocalClock] {
        (clocksText ?? "").split(separator: ",").compactMap { LocalClock(String($0)) }
    }

    public var zone: TimeZone {
        TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
    }

    /// When a plan step is reminded; `nil` for a checklist task.
    public var schedule: ReminderSchedule? {
        guard kind == .plan, let first = firstDayText.flatMap(CalendarDay.init), let days = durationDays else { return nil }
        return ReminderSchedule(firstDay: first, durationDays: days, clocks: clocks, zone: zone)
    }
}

extension CareStep {
    public func title(with cipher: FieldCipher) throws -> String {
        try cipher.open(titleSealed)
    }

    public func detail(with cipher: FieldCipher) throws -> String? {
        try cipher.open(detailSealed)
    }
}
