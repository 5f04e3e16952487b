import FluentKit
import Foundation

/// The patient did a step on one tenant-local day. `(step_id, day)` is unique: a day is
/// checked in once, whoever (patient in the app, by SMS, or staff on their behalf) did it first.
public final class CareStepCheckIn: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "care_step_checkins"
    public static var tenantIDField: KeyPath<CareStepCheckIn, FieldProperty<CareStepCheckIn, UUID>> { \.$tenantID }

    public enum Channel: String, Codable, Sendable, CaseIterable {
        /// The patient, signed in.
        case app
        /// The patient's `DONE` reply to a reminder.
        case sms
        /// A care-team member on the patient's behalf.
        case staff
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "step_id") public var stepID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    /// YYYY-MM-DD in the step's time zone.
    @Field(key: "day") public var day: String
    @Field(key: "checked_in_at") public var checkedInAt: Date
    @Field(key: "channel") public var channel: Channel
    /// The signed-in user who checked in; `nil` for an SMS reply.
    @OptionalField(key: "actor_id") public var actorID: UUID?

    public init() {}
}
