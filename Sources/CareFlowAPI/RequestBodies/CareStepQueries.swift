import CareFlowCore

/// `?status=open|done|cancelled` of a patient's care steps and of `/me/steps`.
struct CareStepListQuery: RequestQuery {
    static let parameterNames = ["status"]
    let status: CareStep.Status?

    init?(fields: inout FieldReader) {
        status = fields.enumeration("status", CareStep.Status.self, required: false)
    }
}
