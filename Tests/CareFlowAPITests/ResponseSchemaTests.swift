@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// The response schemas of `/openapi.json` describe what the API really sends: every DTO
/// example, encoded by the application's own JSON encoder, is valid against the served schema
/// and uses exactly the keys it documents.
@Suite("Response schemas stay true")
struct ResponseSchemaTests {
    @Test("every response DTO, as the app encodes it, matches its served schema key for key")
    func samplesMatchServedSchemas() async throws {
        try await withCareFlow(.sqlite) { app in
            let schemas = try await Self.servedSchemas(app)
            for (name, type) in OpenAPISchemas.responses {
                let schema = try #require(schemas[name], "\(name) is not in the document")
                var sentKeys: Set<String> = []
                for sample in type.schemaSamples {
                    let json = try Self.encodedByApp(sample)
                    #expect(Self.violations(of: json, against: schema, at: name, in: schemas).isEmpty,
                            "\(name): \(Self.violations(of: json, against: schema, at: name, in: schemas))")
                    if case .object(let object) = json { sentKeys.formUnion(object.keys) }
                }
                // A field the DTO gains must be documented, and a documented field must be sent.
                #expect(sentKeys == Self.propertyNames(schema), "\(name): sent \(sentKeys.sorted()), documented \(Self.propertyNames(schema).sorted())")
            }
        }
    }

    @Test("the served schemas keep the published contract")
    func contract() async throws {
        try await withCareFlow(.sqlite) { app in
            let schemas = try await Self.servedSchemas(app)
            // RFC 6749 §5.1 and the seed's prediction contract.
            #expect(Self.required(schemas["TokenResponse"]) == ["access_token", "refresh_token", "token_type", "expires_in"])
            #expect(Self.required(schemas["Prediction"]).isSuperset(of: ["risk_score", "risk_level", "recommended_action"]))
            #expect(!Self.required(schemas["Prediction"]).contains("assessment_id"))
            // Every list answers {"items": [...], "next_cursor": string or null} (PRODUCT §11).
            for (name, schema) in schemas where name.hasSuffix("List") && name != "SessionList" {
                #expect(Self.required(schema) == ["items", "next_cursor"], "\(name)")
                #expect(Self.property("next_cursor", of: schema)?["type"] == .array([.string("string"), .string("null")]), "\(name)")
            }
            // The reason of an appointment is absent for callers who may not read it.
            #expect(!Self.required(schemas["Appointment"]).contains("reason"))
            #expect(Self.property("status", of: schemas["Appointment"])?["enum"] == .array(Appointment.Status.allCases.map { .string($0.rawValue) }))
            // Clinical members of a patient are absent for non-clinical readers.
            #expect(Self.required(schemas["Patient"]).isDisjoint(with: ["blood_type", "allergies", "conditions"]))
            // Instants are RFC 3339 strings, ids are UUIDs.
            #expect(Self.property("created_at", of: schemas["Facility"])?["format"] == .string("date-time"))
            #expect(Self.property("id", of: schemas["Patient"])?["format"] == .string("uuid"))
            // Profiles show unset members as null rather than leaving them out.
            #expect(Self.required(schemas["StaffProfile"]).contains("bio"))
            #expect(Self.property("bio", of: schemas["StaffProfile"])?["type"] == .array([.string("string"), .string("null")]))
            // Composite responses refer to the named schemas.
            #expect(Self.property("tenant", of: schemas["OnboardedTenant"])?["$ref"] == .string("#/components/schemas/Tenant"))
            // The seed's request: four required measurements (systolic pressure 60–300 mmHg).
            #expect(Self.required(schemas["HealthRiskRequest"]) == ["age", "bmi", "blood_pressure", "cholesterol"])
            #expect(Self.property("blood_pressure", of: schemas["HealthRiskRequest"])?["minimum"] == .number(60))
            #expect(Self.property("blood_pressure", of: schemas["HealthRiskRequest"])?["maximum"] == .number(300))
            // The webhook acknowledgement and the upload form.
            #expect(Self.required(schemas["WebhookReceived"]) == ["received", "replayed"])
            #expect(Self.required(schemas["DocumentUpload"]) == ["kind", "file"])
            #expect(Self.property("file", of: schemas["DocumentUpload"])?["format"] == .string("binary"))
        }
    }

    @Test("every optional member is set in some example, so none escapes the schema")
    func samplesSetEveryOptional() {
        for (name, type) in OpenAPISchemas.responses {
            let unsetEverywhere = type.schemaSamples.map { Self.unsetOptionals(in: $0, at: "") }.reduce(nil as Set<String>?) { all, unset in
                all.map { $0.intersection(unset) } ?? unset
            } ?? []
            #expect(unsetEverywhere.isEmpty, "\(name): set \(unsetEverywhere.sorted()) in schemaSamples")
        }
    }

    @Test("real answers of the API are valid against the served schemas")
    func realAnswers() async throws {
        try await withCareFlow(.sqlite) { app in
            let schemas = try await Self.servedSchemas(app)
            let t = try await Fixtures.tenant(app, slug: "schemas")
            let patientID = try await Fixtures.patient(app, t)
            let reads: [(path: String, role: Role, schema: String)] = [
                ("/api/v1/me", .doctor, "Me"), ("/api/v1/me/sessions", .doctor, "SessionList"),
                ("/api/v1/facilities", .groupAdmin, "FacilityList"), ("/api/v1/facilities/\(t.f1.id!)/staff", .facilityAdmin, "StaffList"),
                ("/api/v1/patients/\(patientID)", .doctor, "Patient"), ("/api/v1/patients/\(patientID)", .receptionist, "Patient"),
                ("/api/v1/patients", .doctor, "PatientList"), ("/api/v1/patients/\(UUID())", .doctor, "Problem"),
            ]
            for read in reads {
                let res = try await app.send(.GET, read.path, token: t[read.role].token)
                #expect(res.status == (read.schema == "Problem" ? .notFound : .ok), "GET \(read.path) as \(read.role)")
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(res.text.utf8))
                let schema = try #require(schemas[read.schema])
                let found = Self.violations(of: json, against: schema, at: read.schema, in: schemas)
                #expect(found.isEmpty, "GET \(read.path) as \(read.role): \(found)")
            }
        }
    }

    // MARK: - Helpers

    /// Paths of the Optional stored properties that are nil in `value` (nested structs included).
    static func unsetOptionals(in value: Any, at path: String) -> Set<String> {
        var unset: Set<String> = []
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            let mirror = Mirror(reflecting: child.value)
            var inner = child.value
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else {
                    unset.insert(path + label)
                    continue
                }
                inner = wrapped
            }
            let innerMirror = Mirror(reflecting: inner)
            if innerMirror.displayStyle == .struct {
                unset.formUnion(unsetOptionals(in: inner, at: path + label + "."))
            } else if innerMirror.displayStyle == .collection, let first = innerMirror.children.first?.value,
                      Mirror(reflecting: first).displayStyle == .struct {
                unset.formUnion(unsetOptionals(in: first, at: path + label + "[]."))
            }
        }
        return unset
    }

    static func servedSchemas(_ app: Application) async throws -> [String: JSONValue] {
        let res = try await app.send(.GET, "/openapi.json")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(res.text.utf8))
        guard case .object(let root) = document, case .object(let components)? = root["components"],
              case .object(let schemas)? = components["schemas"] else { throw Abort(.internalServerError, reason: "no schemas") }
        return schemas
    }

    /// Through Vapor's content configuration, as a handler's answer is encoded.
    static func encodedByApp<T: Encodable>(_ value: T) throws -> JSONValue {
        let response = Response()
        try response.content.encode(value, as: .json)
        return try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body.buffer ?? ByteBuffer()))
    }

    static func fields(_ schema: JSONValue?) -> [String: JSONValue] {
        if case .object(let s)? = schema { return s }
        return [:]
    }

    static func propertyNames(_ schema: JSONValue) -> Set<String> {
        if case .object(let properties)? = fields(schema)["properties"] { return Set(properties.keys) }
        return []
    }

    static func property(_ name: String, of schema: JSONValue?) -> [String: JSONValue]? {
        if case .object(let properties)? = fields(schema)["properties"], case .object(let p)? = properties[name] { return p }
        return nil
    }

    static func required(_ schema: JSONValue?) -> Set<String> {
        guard case .array(let names)? = fields(schema)["required"] else { return [] }
        return Set(names.compactMap { if case .string(let n) = $0 { n } else { nil } })
    }

    /// The little of JSON Schema the document uses: $ref, anyOf, type, format, enum, required,
    /// properties (no others unless additionalProperties), items.
    static func violations(of value: JSONValue, against schema: JSONValue, at path: String, in schemas: [String: JSONValue]) -> [String] {
        let s = fields(schema)
        if case .string(let ref)? = s["$ref"] {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = schemas[name] else { return ["\(path): dangling \(ref)"] }
            return violations(of: value, against: target, at: path, in: schemas)
        }
        if case .array(let options)? = s["anyOf"] {
            return options.contains { violations(of: value, against: $0, at: path, in: schemas).isEmpty } ? [] : ["\(path): matches no anyOf"]
        }
        var types: [String] = []
        switch s["type"] {
        case .string(let t)?: types = [t]
        case .array(let ts)?: types = ts.compactMap { if case .string(let t) = $0 { t } else { nil } }
        default: break
        }
        let actual: String = switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n == n.rounded() ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
        if !types.isEmpty && !types.contains(actual) && !(actual == "integer" && types.contains("number")) {
            return ["\(path): \(actual) where \(types) is documented"]
        }
        if case .array(let allowed)? = s["enum"], !allowed.contains(value) { return ["\(path): \(value) is not in the enum"] }
        var found: [String] = []
        if case .string(let string) = value, case .string(let format)? = s["format"] {
            let ok = switch format {
            case "uuid": UUID(uuidString: string) != nil
            case "date-time": ISO8601DateFormatter().date(from: string) != nil
            case "date": string.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil
            default: true
            }
            if !ok { found.append("\(path): \(string) is not a \(format)") }
        }
        if case .array(let elements) = value, let items = s["items"] {
            for (i, element) in elements.enumerated() { found += violations(of: element, against: items, at: "\(path)[\(i)]", in: schemas) }
        }
        if case .object(let object) = value {
            for key in required(schema) where object[key] == nil { found.append("\(path): required \(key) missing") }
            let properties: [String: JSONValue] = if case .object(let p)? = s["properties"] { p } else { [:] }
            for (key, member) in object {
                if let property = properties[key] {
                    found += violations(of: member, against: property, at: "\(path).\(key)", in: schemas)
                } else if let additional = s["additionalProperties"] {
                    found += violations(of: member, against: additional, at: "\(path).\(key)", in: schemas)
                } else if s["properties"] != nil {
                    found.append("\(path): \(key) is not documented")
                }
            }
        }
        return found
    }
}
