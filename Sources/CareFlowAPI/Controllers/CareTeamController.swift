import CareFlowCore
import Vapor

/// `/api/v1/patients/{id}/care-team` and `/api/v1/doctors/me/patients`.
struct CareTeamController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let team = routes.grouped("api", "v1", "patients", ":patientID", "care-team")
        team.post(use: assign)
        team.get(use: list)
        team.delete(":relationshipID", use: end)
        routes.post("api", "v1", "patients", ":patientID", "primary-doctor", use: choosePrimaryDoctor)
        routes.get("api", "v1", "doctors", "me", "patients", use: myPatients)
    }

    @Sendable
    func assign(req: Request) async throws -> Response {
        let body = try await req.validatedBody(CareAssignmentBody.self)
        let relationship = try await req.services.careTeam.assign(
            patientID: req.uuidParameter("patientID", what: "Patient"), doctorID: body.doctorID, kind: body.kind,
            referredBy: body.referredBy, endsOn: body.endsOn, in: req.context())
        return try await CareRelationshipDTO(relationship).encodeResponse(status: .created, for: req)
    }

    /// A patient choosing their own primary doctor, where the tenant's file allows it.
    @Sendable
    func choosePrimaryDoctor(req: Request) async throws -> Response {
        let body = try await req.validatedBody(PrimaryDoctorBody.self)
        let allowed = req.services.tenants[try await req.currentTenantSlug()]?.patientsChooseDoctor ?? false
        let relationship = try await req.services.careTeam.choosePrimaryDoctor(
            patientID: req.uuidParameter("patientID", what: "Patient"), doctorID: body.doctorID, tenantAllowsChoice: allowed,
            in: req.context())
        return try await CareRelationshipDTO(relationship).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<CareRelationshipDTO> {
        let rows = try await req.services.careTeam.list(patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return ListResponse(Page(items: rows, nextCursor: nil), CareRelationshipDTO.init)
    }

    @Sendable
    func end(req: Request) async throws -> Response {
        try await req.services.careTeam.end(patientID: req.uuidParameter("patientID", what: "Patient"),
                                            relationshipID: req.uuidParameter("relationshipID", what: "Care relationship"),
                                            in: req.context())
        return Response(status: .noContent)
    }

    /// The calling doctor's current patients (demographics; clinical detail per patient).
    @Sendable
    func myPatients(req: Request) async throws -> ListResponse<PatientDTO> {
        let principal = try req.principal()
        guard principal.holds(.doctor) else {
            try await req.services.guardian.authorize(principal, .patientReadClinical, on: .tenant, origin: req.origin, db: req.db)
            throw AppError.forbidden("Only doctors have patients")
        }
        var query = PatientQuery()
        query.doctorID = principal.subjectID
        let page = try await req.services.patients.search(query, in: req.context(), page: req.pageRequest())
        return ListResponse(page, PatientDTO.init)
    }
}
