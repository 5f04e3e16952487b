@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing

/// Typed request bodies read straight from JSON, no HTTP: the same per-field problems the
/// handlers answer with, and validated values when there are none.
@Suite("Typed request bodies")
struct RequestBodyTests {
    static func object(_ json: String) throws -> [String: JSONValue] {
        try JSONValue.parseObject(Data(json.utf8))
    }

    static func fields<B: RequestBody>(_ type: B.Type, _ json: String) throws -> [String] {
        do {
            _ = try B.read(object(json))
            return []
        } catch let error as AppError {
            return error.fieldErrors.map(\.field)
        }
    }

    @Test("every bad, missing and unknown field is named in one error")
    func namesEveryField() throws {
        #expect(try Self.fields(LoginBody.self, #"{"tenant": 7, "password": "", "extra": 1}"#) == ["tenant", "email", "password", "extra"])
        #expect(try Self.fields(BookingBody.self, #"{"patient_id": "x", "starts_at": "tomorrow"}"#)
            == ["patient_id", "doctor_id", "facility_id", "starts_at"])
        #expect(try Self.fields(ShiftBody.self, #"{"user_id": "\#(UUID())", "role": "patient", "starts_at": "2030-01-01T06:00:00Z", "ends_at": "2030-01-01T14:00:00Z"}"#)
            == ["role"])
        #expect(try Self.fields(WeeklyScheduleBody.self, #"{"facility_id": "\#(UUID())"}"#) == ["windows"])
        #expect(try Self.fields(PatientChangesBody.self, "{}") == ["body"])
        #expect(try Self.fields(SignupBody.self, #"{"tenant": "t", "email": "a@b.co", "password": "pw", "given_name": "A", "family_name": "B", "birth_date": null}"#)
            == ["birth_date"])
    }

    @Test("a valid body gives validated, normalised values")
    func validValues() throws {
        let login = try LoginBody.read(Self.object(#"{"email": " Ada@Example.ORG ", "password": " keep spaces "}"#))
        #expect(login.tenant == nil)
        #expect(login.email == "ada@example.org")
        #expect(login.password == " keep spaces ")

        let schedule = try WeeklyScheduleBody.read(Self.object(#"{"facility_id": "\#(UUID())", "windows": null}"#))
        #expect(schedule.windows.isEmpty)

        let seed = try SeedPatientBody.read(Self.object(#"{"name": "Ada Lovelace", "age": 36, "gender": "Female"}"#))
        #expect(seed.sex == .female)
        #expect(seed.bloodType == nil)
    }

    @Test("query parameters read the names they list and ignore the rest")
    func query() throws {
        let coverage = try CoverageQuery.read(["date": .string("2030-05-06")])
        #expect(coverage.day.description == "2030-05-06")
        #expect(throws: AppError.validation([FieldError(field: "date", reason: "is required")])) { try CoverageQuery.read([:]) }
    }
}
