import CareFlowCore
import Vapor

/// `POST /api/patients/`: the seed application's published contract
/// `{"name","age","gender","blood_type","diagnosis"}`, kept as a thin alias onto the same
/// registration service.
struct SeedPatientController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("api", "patients", use: create)
    }

    /// Free-text diagnoses of the seed contract mapped to ICD-10; anything else is kept as
    /// R69 ("illness, unspecified") with the text as the note.
    static let knownDiagnoses: [String: String] = [
        "hypertension": "I10", "diabetes": "E11", "type 2 diabetes": "E11", "type 1 diabetes": "E10", "asthma": "J45",
        "malaria": "B54", "tuberculosis": "A15", "hiv": "B20", "pneumonia": "J18.9", "copd": "J44.9",
        "heart failure": "I50.9", "obesity": "E66.9", "depression": "F32.9", "anemia": "D64.9", "migraine": "G43.9",
    ]

    struct SeedPatientResponse: Content {
        let id: UUID
        let mrn: String
        let name: String
        let age: Int
        let gender: String
        let bloodType: String?
        let diagnosis: String?

        enum CodingKeys: String, CodingKey {
            case id, mrn, name, age, gender, diagnosis
            case bloodType = "blood_type"
        }
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let body = try await req.validatedBody(SeedPatientBody.self)
        let parts = body.name.split(separator: " ", maxSplits: 1).map(String.init)
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        let conditions = body.diagnosis.map { d in
            ConditionInput(code: Self.knownDiagnoses[d.lowercased()] ?? "R69", note: d)
        }.map { [$0] } ?? []
        // The seed API had no facilities: the service registers at the caller's facility.
        let input = PatientInput(givenName: parts[0], familyName: parts.count > 1 ? parts[1] : parts[0], birthYear: year - body.age,
                                 sex: body.sex, details: PatientDetails(bloodType: body.bloodType), conditions: conditions)
        let view = try await req.services.patients.register(input, in: req.context())
        let response = SeedPatientResponse(id: view.patient.id!, mrn: view.mrn, name: body.name, age: body.age, gender: body.sex.rawValue,
                                           bloodType: body.bloodType, diagnosis: body.diagnosis)
        return try await response.encodeResponse(status: .created, for: req)
    }
}
