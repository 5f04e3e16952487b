import FluentKit
import Foundation

/// One reminder that went out: written in the same transaction as the outbox messages that
/// carry it. The key names the reminder (`ReminderKey`); the unique (tenant, key) index is what
/// makes every reminder go out exactly once, also with several workers on PostgreSQL.
public final class ReminderDelivery: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "reminder_deliveries"
    public static var tenantIDField: KeyPath<ReminderDelivery, FieldProperty<ReminderDelivery, UUID>> { \.$tenantID }

    public enum Kind: String, Codable, Sendable {
        case appointment, step
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "reminder_key") public var key: String
    @Field(key: "kind") public var kind: Kind
    /// The appointment or care step reminded.
    @Field(key: "subject_id") public var subjectID: UUID
    /// The instant the reminder was due (its wall-clock time, or the appointment's start minus the offset).
    @Field(key: "scheduled_at") public var scheduledAt: Date
    /// The scheduler pass's `now`.
    @Field(key: "sent_at") public var sentAt: Date
    /// The outbox rows it queued, comma-separated (empty when the patient has no usable channel).
    @Field(key: "outbox_message_ids") public var outboxMessageIDs: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public var messageIDs: [UUID] {
        outboxMessageIDs.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }
}

/// The ledger key of one reminder. Appointment keys carry the start, so a rescheduled
/// appointment's earlier reminders never match it again; step keys carry the tenant-local day
/// and clock, so a day's reminder is one row however often a pass runs.
public enum ReminderKey {
    public static func appointment(_ key: AppointmentReminderTimes.Key) -> String {
        "appointment:\(key.appointmentID.lowercasedString):\(iso(key.start)):\(key.offsetSeconds)"
    }

    public static func step(_ stepID: UUID, day: CalendarDay, clock: LocalClock) -> String {
        "step:\(stepID.lowercasedString):\(day):\(clock)"
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
