import CareFlowCore
import Foundation

/// The patient fields shared by `NewPatientBody`, `PatientChangesBody` and `SignupBody`.
enum PatientBodyReader {
    static let phonePattern = #"^\+[1-9][0-9]{6,14}$"#
    static let bloodTypes = ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"]

    static func birthDate(_ body: inout FieldReader) -> String?? {
        guard body.has("birth_date") else { return nil }
        defer { body.refine("birth_date", ["format": .string("date")]) }
        guard let s = body.string("birth_date", required: false, maxLength: 10, pattern: #"^\d{4}-\d{2}-\d{2}$"#,
                                  patternHint: "must be a date YYYY-MM-DD") else { return .some(nil) }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        f.locale = Locale(identifier: "en_US_POSIX")
        guard let date = f.date(from: s), f.string(from: date) == s else {
            body.fail("birth_date", "is not a calendar date")
            return .some(nil)
        }
        guard date <= Date(), let year = Int(s.prefix(4)), year >= 1880 else {
            body.fail("birth_date", "must be in the past and after 1880")
            return .some(nil)
        }
        return .some(s)
    }

    static func optionalString(_ body: inout FieldReader, _ key: String, maxLength: Int = 200, pattern: String? = nil,
                               hint: String = "has an invalid format") -> String?? {
        guard body.has(key) else { return nil }
        return .some(body.string(key, required: false, maxLength: maxLength, pattern: pattern, patternHint: hint))
    }

    static func insurance(_ body: inout FieldReader) -> PatientDetails.Insurance?? {
        guard body.has("insurance") else { return nil }
        return .some(body.object("insurance") { r in
            let provider = r.string("provider", maxLength: 200)
            let policy = r.string("policy_number", maxLength: 100)
            guard let provider, let policy else { return nil }
            return PatientDetails.Insurance(provider: provider, policyNumber: policy)
        })
    }

    static func emergencyContact(_ body: inout FieldReader) -> PatientDetails.EmergencyContact?? {
        guard body.has("emergency_contact") else { return nil }
        return .some(body.object("emergency_contact") { r in
            let name = r.string("name", maxLength: 200)
            let phone = r.string("phone", maxLength: 16, pattern: phonePattern, patternHint: "must be an E.164 number such as +250788123456")
            let relationship = r.string("relationship", required: false, maxLength: 100)
            guard let name, let phone else { return nil }
            return PatientDetails.EmergencyContact(name: name, phone: phone, relationship: relationship)
        })
    }

    static func conditions(_ body: inout FieldReader) -> [ConditionInput]? {
        body.objectArray("conditions", maxCount: 200) { r in
            var code = r.string("code", maxLength: 8)?.uppercased()
            if let c = code, c.range(of: ConditionInput.icd10Pattern, options: .regularExpression) == nil {
                r.fail("code", "must be an ICD-10 code such as I10 or E11.9")
                code = nil
            }
            let note = r.string("note", required: false, maxLength: 2000)
            return code.map { ConditionInput(code: $0.uppercased(), note: note) }
        }
    }
}
