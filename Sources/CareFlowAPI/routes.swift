import InstalledPlugins
import Prometheus
import Vapor

/// Every route, and the middleware each group passes through: public and signed (webhooks) first,
/// then the authenticated routes, then those that act inside the caller's tenant.
func routes(_ app: Application, metrics: PrometheusCollectorRegistry) throws {
    try app.register(collection: SystemController())
    try app.register(collection: DocsController())
    try app.register(collection: MetricsController(registry: metrics, token: app.services.configuration.metricsToken,
                                                    probeTimeout: app.services.configuration.readyTimeout))
    try app.grouped(AuthRateLimitMiddleware(requestsPerMinute: app.services.configuration.authRequestsPerMinute))
        .register(collection: AuthController())
    try app.register(collection: MFAController())
    // Verified by provider signatures, not bearer tokens.
    try app.register(collection: WebhookController(routes: installedPlugins.flatMap(\.webhooks)))

    // Idempotency keys are per caller, so they are honoured after authentication.
    let authenticated = app.grouped(BearerAuthenticationMiddleware(), IdempotencyMiddleware())
    try authenticated.register(collection: MeController())
    try authenticated.register(collection: PlatformTenantController())

    // Everything below acts inside the caller's tenant.
    let tenant = authenticated.grouped(TenantMemberMiddleware())
    try tenant.register(collection: FacilityController())
    try tenant.register(collection: StaffController())
    try tenant.register(collection: AuditController())
    try tenant.register(collection: PatientController())
    try tenant.register(collection: PatientErasureController())
    try tenant.register(collection: CareTeamController())
    try tenant.register(collection: SeedPatientController())
    try tenant.register(collection: RecordController())
    try tenant.register(collection: NoteController())
    try tenant.register(collection: CareStepController())
    try tenant.register(collection: InvoicePaymentController())
    try tenant.register(collection: DocumentController())
    try tenant.register(collection: StaffProfileController())
    try tenant.register(collection: DoctorController())
    try tenant.register(collection: AvailabilityController())
    try tenant.register(collection: AppointmentController())
    try tenant.register(collection: ShiftController())
    try tenant.register(collection: DeviceController())
    try tenant.register(collection: IntegrationController())
    try tenant.register(collection: OutboxController())
    try tenant.register(collection: PredictionController(requestsPerMinute: app.services.configuration.predictionRequestsPerMinute))
    try tenant.register(collection: PrescriptionController())
    try tenant.register(collection: WardController())
    try tenant.register(collection: AdmissionController())
    try tenant.register(collection: InvoiceController())
    try tenant.register(collection: ClaimController())
    try tenant.register(collection: AnalyticsController())
    try tenant.register(collection: ExportController())
    try tenant.register(collection: PatientExportController())

    // The admin console: HTML pages over the same services, with cookie sessions.
    try consoleRoutes(app)
}
