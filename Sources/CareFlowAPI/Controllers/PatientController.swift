import CareFlowCore
import Vapor

/// `/api/v1/patients`: registration, reading, PATCH, soft delete, search and filters.
struct PatientController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let patients = routes.grouped("api", "v1", "patients")
        patients.post(use: create)
        patients.get(use: search)
        patients.get(":patientID", use: show)
        patients.patch(":patientID", use: update)
        patients.delete(":patientID", use: delete)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let input = try await req.validatedBody(NewPatientBody.self).input
        let view = try await req.services.patients.register(input, in: req.context())
        return try await PatientDTO(view).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func show(req: Request) async throws -> PatientDTO {
        PatientDTO(try await req.services.patients.read(req.uuidParameter("patientID", what: "Patient"), in: req.context()))
    }

    @Sendable
    func update(req: Request) async throws -> PatientDTO {
        let changes = try await req.validatedBody(PatientChangesBody.self).changes
        return PatientDTO(try await req.services.patients.update(req.uuidParameter("patientID", what: "Patient"), changes,
                                                                 in: req.context()))
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        try await req.services.patients.delete(req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return Response(status: .noContent)
    }

    @Sendable
    func search(req: Request) async throws -> ListResponse<PatientDTO> {
        let query = try Self.query(from: req)
        let page = try await req.services.patients.search(query, in: req.context(),
                                                          page: req.pageRequest())
        return ListResponse(page, PatientDTO.init)
    }

    /// Query parameters, every bad one named.
    private static let gregorian = Calendar(identifier: .gregorian)

    static func query(from req: Request) throws -> PatientQuery {
        var q = PatientQuery()
        var errors: [FieldError] = []
        func text(_ key: String) -> String? {
            req.queryValue(key).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let raw = text(key) else { return nil }
            guard let n = Int(raw), range.contains(n) else {
                errors.append(FieldError(field: key, reason: "must be an integer between \(range.lowerBound) and \(range.upperBound)"))
                return nil
            }
            return n
        }
        func uuid(_ key: String) -> UUID? {
            guard let raw = text(key) else { return nil }
            guard let id = UUID(uuidString: raw) else { errors.append(FieldError(field: key, reason: "must be a UUID")); return nil }
            return id
        }
        q.mrn = text("mrn")
        q.nationalID = text("national_id")
        q.phone = text("phone")
        q.email = text("email")
        q.name = text("name")
        let year = Self.gregorian.component(.year, from: Date())
        if let min = int("age_min", 0...150) { q.birthYearTo = year - min }
        if let max = int("age_max", 0...150) { q.birthYearFrom = year - max - 1 }
        if let from = int("birth_year_from", 1880...year) { q.birthYearFrom = from }
        if let to = int("birth_year_to", 1880...year) { q.birthYearTo = to }
        if let raw = text("sex") {
            if let sex = Patient.Sex(rawValue: raw) { q.sex = sex } else {
                errors.append(FieldError(field: "sex", reason: "must be one of: female, male, other, unknown"))
            }
        }
        if let code = text("condition") {
            if code.uppercased().range(of: ConditionInput.icd10Pattern, options: .regularExpression) != nil { q.conditionCode = code.uppercased() }
            else { errors.append(FieldError(field: "condition", reason: "must be an ICD-10 code such as I10")) }
        }
        q.facilityID = uuid("facility_id")
        q.doctorID = uuid("doctor_id")
        if let sort = text("sort") {
            switch sort {
            // Patient ids are time-ordered, so id order is registration order.
            case "id", "created_at": q.newestFirst = false
            case "-id", "-created_at": q.newestFirst = true
            default: errors.append(FieldError(field: "sort", reason: "must be created_at, -created_at, id or -id"))
            }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        return q
    }
}
