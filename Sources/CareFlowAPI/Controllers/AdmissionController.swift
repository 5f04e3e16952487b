import CareFlowCore
import Vapor

/// Admitting a patient to a bed, discharging, and reading admissions.
struct AdmissionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let v1 = routes.grouped("api", "v1")
        v1.post("patients", ":patientID", "admissions", use: admit)
        v1.get("admissions", use: list)
        v1.get("admissions", ":admissionID", use: read)
        v1.post("admissions", ":admissionID", "discharge", use: discharge)
    }

    @Sendable
    func admit(req: Request) async throws -> Response {
        let patientID = try req.uuidParameter("patientID", what: "Patient")
        let body = try await req.validatedBody(AdmissionBody.self)
        let admission = try await req.services.admissions.admit(body.request(patientID: patientID), in: req.context())
        return try await AdmissionDTO(admission).encodeResponse(status: .created, for: req)
    }

    /// `?facility_id=&status=current|discharged&from=&to=&patient_id=`; from/to bound admitted_at.
    @Sendable
    func list(req: Request) async throws -> ListResponse<AdmissionDTO> {
        let query = try req.validatedQuery(AdmissionListQuery.self)
        let page = try await req.services.admissions.list(query.filters, page: req.pageRequest(), in: req.context())
        return ListResponse(page, AdmissionDTO.init)
    }

    @Sendable
    func read(req: Request) async throws -> AdmissionDTO {
        AdmissionDTO(try await req.services.admissions.read(req.uuidParameter("admissionID", what: "Admission"), in: req.context()))
    }

    @Sendable
    func discharge(req: Request) async throws -> AdmissionDTO {
        let admissionID = try req.uuidParameter("admissionID", what: "Admission")
        let body = try await req.validatedBody(DischargeBody.self)
        return AdmissionDTO(try await req.services.admissions.discharge(admissionID, body.request, in: req.context()))
    }
}
