import CareFlowCore

/// The audit trail's filters (list and export).
struct AuditFilterQuery: RequestQuery {
    static let parameterNames = ["action", "target_type", "target_id", "actor_id", "facility_id", "outcome", "from", "to"]
    let filters: AuditQuery.Filters

    init?(fields: inout FieldReader) {
        var filters = AuditQuery.Filters()
        filters.action = fields.string("action", required: false, maxLength: 100)
        filters.targetType = fields.string("target_type", required: false, maxLength: 100)
        filters.targetID = fields.string("target_id", required: false, maxLength: 100)
        filters.actorID = fields.uuid("actor_id", required: false)
        filters.facilityID = fields.uuid("facility_id", required: false)
        filters.outcome = fields.enumeration("outcome", AuditOutcome.self, required: false)
        filters.from = fields.timestamp("from", required: false)
        filters.to = fields.timestamp("to", required: false)
        self.filters = filters
    }
}

/// `?status=` of the outbox list.
struct OutboxListQuery: RequestQuery {
    static let parameterNames = ["status"]
    let status: OutboxMessage.Status?

    init?(fields: inout FieldReader) {
        status = fields.enumeration("status", OutboxMessage.Status.self, required: false)
    }
}

/// `?level=high` keeps a patient's High risk assessments.
struct RiskAssessmentQuery: RequestQuery {
    static let parameterNames = ["level"]
    let level: RiskLevel?

    init?(fields: inout FieldReader) {
        level = fields.enumeration("level", RiskLevel.self, required: false)
    }
}
