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

/// The OpenAPI schema of a body is read off the same code that validates it.
@Suite("Request body schemas")
struct RequestBodySchemaTests {
    static func schema<B: RequestBody>(_ type: B.Type) throws -> [String: JSONValue] {
        guard case .object(let schema) = B.fieldSchema else { throw AppError.malformedBody("not an object") }
        return schema
    }

    static func property(_ schema: [String: JSONValue], _ name: String) -> [String: JSONValue]? {
        guard case .object(let properties)? = schema["properties"], case .object(let property)? = properties[name] else { return nil }
        return property
    }

    static func required(_ schema: [String: JSONValue]) -> [String] {
        guard case .array(let names)? = schema["required"] else { return [] }
        return names.compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    @Test("required, optional (nullable) and unknown fields follow the reading code")
    func requiredAndNullable() throws {
        let login = try Self.schema(LoginBody.self)
        #expect(Self.required(login) == ["email", "password"])
        #expect(Self.property(login, "tenant")?["type"] == .array([.string("string"), .string("null")]))
        #expect(Self.property(login, "email")?["format"] == .string("email"))
        #expect(login["additionalProperties"] == .bool(false))

        // Refused when missing or null by hand: required and not nullable.
        let signup = try Self.schema(SignupBody.self)
        #expect(Self.required(signup).contains("birth_date"))
        #expect(Self.property(signup, "birth_date")?["type"] == .string("string"))

        // Must be named, but null clears the schedule.
        let schedule = try Self.schema(WeeklyScheduleBody.self)
        #expect(Self.required(schedule) == ["facility_id", "windows"])
        #expect(Self.property(schedule, "windows")?["type"] == .array([.string("array"), .string("null")]))

        // A PATCH requires nothing; a member read as required there is just not nullable.
        let changes = try Self.schema(PatientChangesBody.self)
        #expect(Self.required(changes).isEmpty)
        #expect(Self.property(changes, "given_name")?["type"] == .string("string"))
        #expect(Self.property(changes, "phone")?["type"] == .array([.string("string"), .string("null")]))
    }

    @Test("constraints checked by hand next to a field are documented with it")
    func refinedConstraints() throws {
        let shift = try Self.schema(ShiftBody.self)
        #expect(Self.property(shift, "role")?["enum"] == .array(ShiftService.shiftRoles.map { .string($0.rawValue) }))
        let windows = Self.property(try Self.schema(WeeklyScheduleBody.self), "windows")
        guard case .object(let item)? = windows?["items"] else { Issue.record("windows has no item schema"); return }
        #expect(Self.required(item) == ["weekday", "start", "end", "slot_minutes"])
    }
}
