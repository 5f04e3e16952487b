import CareFlowCore
import Foundation

/// `POST /api/v1/patients` (and each row of a patient import): a full patient.
struct NewPatientBody: RequestBody {
    let input: PatientInput

    init?(fields body: inout FieldReader) {
        typealias R = PatientBodyReader
        let given = body.string("given_name", maxLength: 100)
        let family = body.string("family_name", maxLength: 100)
        let birth = R.birthDate(&body) ?? nil
        let sex = body.enumeration("sex", Patient.Sex.self)
        let phone = R.optionalString(&body, "phone", maxLength: 16, pattern: R.phonePattern,
                                     hint: "must be an E.164 number such as +250788123456") ?? nil
        let email = body.email("email", required: false)
        let nationalID = R.optionalString(&body, "national_id", maxLength: 40) ?? nil
        let address = R.optionalString(&body, "address", maxLength: 500) ?? nil
        let ins = R.insurance(&body) ?? nil
        let contact = R.emergencyContact(&body) ?? nil
        let blood = R.optionalString(&body, "blood_type", maxLength: 3) ?? nil
        if let blood, !R.bloodTypes.contains(blood) { body.fail("blood_type", "must be one of: " + R.bloodTypes.joined(separator: ", ")) }
        let allergies = body.stringArray("allergies") ?? []
        let conds = R.conditions(&body) ?? []
        let home = body.uuid("home_facility_id", required: false)
        let channels = body.enumerationArray("notification_channels", NotificationChannel.self, required: false, allowEmpty: true)
        guard let given, let family, let sex, body.errors.isEmpty else { return nil }
        input = PatientInput(givenName: given, familyName: family, birthDate: birth, sex: sex, phone: phone, email: email,
                             nationalID: nationalID, homeFacilityID: home,
                             details: PatientDetails(address: address, insurance: ins, emergencyContact: contact, bloodType: blood,
                                                     allergies: allergies),
                             conditions: conds, notificationChannels: channels)
    }
}

/// `PATCH /api/v1/patients/{patientID}`: present members replace, `null` clears an optional one.
struct PatientChangesBody: RequestBody {
    let changes: PatientChanges

    init?(fields body: inout FieldReader) {
        typealias R = PatientBodyReader
        var c = PatientChanges()
        if body.has("given_name") { c.givenName = body.string("given_name", maxLength: 100) }
        if body.has("family_name") { c.familyName = body.string("family_name", maxLength: 100) }
        c.birthDate = R.birthDate(&body)
        if body.has("sex") { c.sex = body.enumeration("sex", Patient.Sex.self) }
        c.phone = R.optionalString(&body, "phone", maxLength: 16, pattern: R.phonePattern, hint: "must be an E.164 number such as +250788123456")
        if body.has("email") { c.email = .some(body.email("email", required: false)) }
        c.nationalID = R.optionalString(&body, "national_id", maxLength: 40)
        c.address = R.optionalString(&body, "address", maxLength: 500)
        c.insurance = R.insurance(&body)
        c.emergencyContact = R.emergencyContact(&body)
        c.bloodType = R.optionalString(&body, "blood_type", maxLength: 3)
        if let blood = c.bloodType ?? nil, !R.bloodTypes.contains(blood) {
            body.fail("blood_type", "must be one of: " + R.bloodTypes.joined(separator: ", "))
        }
        if body.has("allergies") { c.allergies = body.stringArray("allergies") ?? [] }
        if body.has("conditions") { c.conditions = R.conditions(&body) ?? [] }
        if body.has("home_facility_id") { c.homeFacilityID = .some(body.uuid("home_facility_id", required: false)) }
        // `null` goes back to the default (SMS when a phone is known); `[]` means no reminders.
        if body.has("notification_channels") {
            c.notificationChannels = .some(body.enumerationArray("notification_channels", NotificationChannel.self, required: false,
                                                                 allowEmpty: true))
        }
        if body.isEmpty { body.fail("body", "names no field to change") }
        guard body.errors.isEmpty else { return nil }
        changes = c
    }
}

/// `POST /api/patients/`: the seed application's `{"name","age","gender","blood_type","diagnosis"}`.
struct SeedPatientBody: RequestBody {
    let name: String
    let age: Int
    let sex: Patient.Sex
    let bloodType: String?
    let diagnosis: String?

    init?(fields body: inout FieldReader) {
        let name = body.string("name", maxLength: 200)
        let age = body.integer("age", range: 0...130)
        let gender = body.string("gender", maxLength: 10)
        let blood = body.string("blood_type", required: false, maxLength: 3)
        let diagnosis = body.string("diagnosis", required: false, maxLength: 200)
        let sex = gender.flatMap { Patient.Sex(rawValue: $0.lowercased()) }
        if gender != nil && sex == nil { body.fail("gender", "must be one of: female, male, other, unknown") }
        if let blood, !PatientBodyReader.bloodTypes.contains(blood) {
            body.fail("blood_type", "must be one of: " + PatientBodyReader.bloodTypes.joined(separator: ", "))
        }
        guard let name, let age, let sex, body.errors.isEmpty else { return nil }
        (self.name, self.age, self.sex, bloodType, self.diagnosis) = (name, age, sex, blood, diagnosis)
    }
}

/// `POST /api/v1/patients/{patientID}/care-team`: a doctor joins the patient's care team.
struct CareAssignmentBody: RequestBody {
    let doctorID: UUID
    let kind: CareRelationship.Kind
    let referredBy: UUID?
    let endsOn: Date?

    init?(fields: inout FieldReader) {
        let doctor = fields.uuid("doctor_id")
        let kind = fields.enumeration("kind", CareRelationship.Kind.self)
        let referredBy = fields.uuid("referred_by", required: false)
        let endsOnText = fields.string("ends_on", required: false, maxLength: 10, pattern: #"^\d{4}-\d{2}-\d{2}$"#,
                                       patternHint: "must be a date YYYY-MM-DD")
        fields.refine("ends_on", ["format": .string("date")])
        guard let doctor, let kind else { return nil }
        (doctorID, self.kind, self.referredBy) = (doctor, kind, referredBy)
        endsOn = endsOnText.flatMap { ISO8601DateFormatter().date(from: $0 + "T00:00:00Z") }
    }
}

/// `{doctor_id}`: a patient choosing their own primary doctor.
struct PrimaryDoctorBody: RequestBody {
    let doctorID: UUID

    init?(fields: inout FieldReader) {
        guard let doctor = fields.uuid("doctor_id") else { return nil }
        doctorID = doctor
    }
}
