import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore
import CareFlowModels
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import InstalledPlugins
import Leaf
import Prometheus
import SQLKit
import Vapor

/// The composition root: database, key material, tenant registry, adapters, services,
/// middleware and routes are decided here and nowhere else.
public func configure(
    _ app: Application,
    configuration config: AppConfiguration = .fromEnvironment(),
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
) async throws {
    app.logger.logLevel = config.logLevel
    app.lifecycle.use(LogFlushOnShutdown())
    try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])

    // Where the migrations run: the application's own connection, or the tables' owner when the
    // application connects as a role that may only read and write rows.
    var migrationDatabase: DatabaseID? = nil
    var applicationRole: String? = nil
    switch config.database {
    case .sqlite(let path):
        // SQLiteNIO runs every statement on the application's blocking thread pool (by default
        // one thread per core, shared by every application in the process), and a writer waiting
        // for the lock waits on that thread (`SQLiteBusyTimeout`). With as many waiters as
        // threads, the lock's holder never gets a thread to commit on: every request then waits
        // out the pool timeout (seen under the test suite's parallel apps). A pool of its own with
        // more threads than this application has connections leaves the holder a thread.
        app.threadPool = NIOThreadPool(numberOfThreads: System.coreCount * 2 + 2)
        // One connection (SQLite has one writer): a burst of requests waits for it longer than
        // the driver's default 10 s, as on PostgreSQL below, rather than failing with a 500.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .debug), as: .sqlite)
        // Write-ahead log: one sync per commit instead of several, and readers never wait for
        // the writer. The mode is stored in the file, so this only matters on first open.
        if let sql = app.db as? any SQLDatabase {
            try await sql.raw("PRAGMA journal_mode=WAL").run()
        }
        try await SQLiteBusyTimeout.apply(app)
    case .postgres(let url, let searchPath):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        // One connection per event loop (the driver's default) queues bursts of transactions behind
        // each other until requests time out; a small pool per loop and a longer wait absorb them.
        app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: config.databasePoolSize,
                                    connectionPoolTimeout: .seconds(30), sqlLogLevel: .debug), as: .psql)
        if let ownerURL = config.databaseMigrationURL {
            var owner = try SQLPostgresConfiguration(url: ownerURL)
            if let searchPath { owner.searchPath = [searchPath] }
            app.databases.use(.postgres(configuration: owner, maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(30),
                                        sqlLogLevel: .debug), as: .migrationOwner, isDefault: false)
            migrationDatabase = .migrationOwner
            let appUser = URLComponents(string: url)?.user?.removingPercentEncoding
            let ownerUser = URLComponents(string: ownerURL)?.user?.removingPercentEncoding
            if let appUser, appUser != ownerUser { applicationRole = appUser }
        }
    }
    app.migrations.addReporting(CareFlowMigrations.all, to: migrationDatabase, progress: app.migrationProgress)
    guard config.trustedProxies.problems.isEmpty else {
        let reason = "CAREFLOW_TRUSTED_PROXIES: " + config.trustedProxies.problems.joined(separator: "; ")
        app.logger.critical("invalid configuration", metadata: ["error": .string(reason)])
        throw ConfigurationError(reason: reason)
    }

    let tenants: TenantDirectory
    do {
        tenants = try TenantDirectory.load(from: config.tenantsDirectory, policy: config.tenantSecretPolicy, adapters: .installed)
    } catch {
        // Refuse to start: the message names file, field and reason.
        app.logger.critical("invalid tenant configuration", metadata: ["error": .string("\(error)")])
        throw error
    }

    let tokenSettings = TokenSettings(issuer: config.publicURL)
    let keyStore = SigningKeyStore(directory: config.keysDirectory, retention: tokenSettings.accessTokenLifetime + tokenSettings.leeway)
    let signingKeys: [SigningKey]
    if let fromEnv = config.signingKeyFromEnvironment {
        signingKeys = [try SigningKey.fromEnvironment(fromEnv)]
    } else {
        signingKeys = try keyStore.loadOrCreate()
    }
    let reloadFromFile: @Sendable () throws -> [SigningKey] = { try keyStore.loadOrCreate() }
    let reload = config.signingKeyFromEnvironment == nil ? reloadFromFile : nil
    let signer = try await AccessTokenSigner(keys: signingKeys, settings: tokenSettings, reload: reload)

    let masterKeys: MasterKeys
    if let value = config.masterKeys {
        masterKeys = try MasterKeys.parse(value)
    } else {
        let path = (config.keysDirectory as NSString).appendingPathComponent("master.key")
        masterKeys = try MasterKeys.loadOrCreateDemo(at: path)
        app.logger.warning("CAREFLOW_MASTER_KEYS is not set: using the demo master key in the data folder; set it in production")
    }
    let keyring = Keyring(master: masterKeys)
    app.migrations.addReporting(CareFlowMigrations.sealing(keyring: keyring), to: migrationDatabase, progress: app.migrationProgress)
    app.migrations.addReporting(CareFlowMigrations.isolation, to: migrationDatabase, progress: app.migrationProgress)
    if let applicationRole {
        app.migrations.addReporting(CareFlowMigrations.applicationAccess(role: applicationRole), to: migrationDatabase,
                                     progress: app.migrationProgress)
    }

    let db = app.db
    let tenantIdentities = TenantIdentities()
    let sessions = SessionIssuer(signer: signer, settings: tokenSettings)
    let throttle = LoginThrottle(db: db, policy: config.throttle)
    let hasher = BcryptPasswordHasher(cost: config.bcryptCost)
    let audit = AuditLog(metrics: AuditBatchPrometheus.metrics(in: metrics), holdLimit: .seconds(config.auditWriteLimit))
    let guardian = AccessGuard(audit: audit)
    let patientAccess = PatientAccess(guardian: guardian, audit: audit)
    let slots = SlotService(guardian: guardian)
    // Live sessions remembered for 1 s: authenticated requests skip the database; revocations
    // here take effect at once, those of other replicas within the second.
    let liveness = SessionLiveness(ttl: config.sessionLivenessTTL)
    // Same bound on staleness as the sessions'; forgotten on this process's own writes.
    let accountMemo = SealedAccountMemo(ttl: config.sessionLivenessTTL)
    app.databases.middleware.use(SealedAccountMemo.Invalidation(memo: accountMemo))
    let revoker = SessionRevoker(liveness: liveness)
    let mfa = MFAService(db: db, keyring: keyring, audit: audit, sessions: sessions, throttle: throttle, revoker: revoker)
    // One client for every adapter: no redirects, a connect timeout, reads bounded by the longest
    // (LLM) deadline; each call also has its own deadline.
    let providerHTTP = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup),
                                  configuration: ProviderClient.configuration(timeouts: .llm))
    app.lifecycle.use(HTTPClientShutdown(client: providerHTTP))
    let integrations = IntegrationRegistry(tenants: tenants, http: providerHTTP,
                                           secrets: SecretResolver(environment: config.secretEnvironment, policy: config.tenantSecretPolicy),
                                           consoleDirectory: config.consoleDirectory, db: db)
    // Every tenant's adapters are built now: a missing secret or an unknown adapter stops start-up.
    try await integrations.validateAll()
    let outbox = Outbox(keyring: keyring)
    // Reminders read the tenant file of a tenant (zone, quiet hours, offsets) as it is now: a
    // reload (SIGHUP) applies from the next pass.
    let tenantFile: @Sendable (String) -> TenantConfiguration? = { tenants[$0] }
    let reminders = ReminderScheduler(db: db, outbox: outbox, keyring: keyring, configuration: tenantFile)
    let models = try openModelRegistry(config, logger: app.logger)
    let patients = PatientService(access: patientAccess, guardian: guardian, keyring: keyring, audit: audit)
    let careStepCheckIns = CareStepCheckInService(audit: audit)
    let llmExchanges = LLMExchangeService(llms: integrations, keyring: keyring, audit: audit)
    let stepExtraction = StepExtractionJob(keyring: keyring, audit: audit,
                                           llm: LLMStepExtraction(llms: integrations, exchanges: llmExchanges),
                                           calendar: StepCalendars.resolver(tenants: tenants, db: db))
    let documents = DocumentService(patients: patientAccess, keyring: keyring, audit: audit,
                                    blobs: DocumentBlobStore(root: config.blobsDirectory),
                                    maxSize: ByteCount(stringLiteral: config.maxDocumentSize).value)
    let invitations = InvitationService(db: db, hasher: hasher, outbox: outbox, audit: audit, keyring: keyring, publicURL: config.publicURL)
    app.services = AppServices(
        configuration: config,
        tenants: tenants,
        audit: audit,
        guardian: guardian,
        signer: signer,
        signingKeys: keyStore,
        hasher: hasher,
        auth: try await AuthService(db: db, hasher: hasher, sessions: sessions, signer: signer, audit: audit, keyring: keyring,
                              mfa: mfa, throttle: throttle, tenants: tenants, revoker: revoker, liveness: liveness),
        onboarding: OnboardingService(db: db, directory: tenants, hasher: hasher, audit: audit, invitations: invitations,
                                      keyring: keyring, revoker: revoker),
        facilities: FacilityService(audit: audit, guardian: guardian),
        staff: StaffService(guardian: guardian, audit: audit, invitations: invitations, keyring: keyring, revoker: revoker),
        invitations: invitations,
        auditQuery: AuditQuery(guardian: guardian),
        integrations: integrations,
        outbox: outbox,
        outboxWorker: OutboxWorker(db: db, outbox: outbox, keyring: keyring, senders: integrations, policy: config.outboxPolicy,
                                   logger: Logger(label: "careflow.outbox"), stepExtraction: stepExtraction),
        reminders: reminders,
        keyring: keyring,
        mfa: mfa,
        patientAccess: patientAccess,
        patients: patients,
        careTeam: CareTeamService(access: patientAccess, audit: audit),
        medicalRecords: MedicalRecordService(patients: patientAccess, keyring: keyring, audit: audit),
        visitNotes: VisitNoteService(patients: patientAccess, keyring: keyring, audit: audit, onCreate: { note, ctx in
            // Extraction runs in the worker, never in the request; queued with the note.
            try await StepExtractionJob.enqueue(noteID: try note.requireID(), patientID: note.patientID, on: outbox, in: ctx.scope)
        }),
        documents: documents,
        staffProfiles: StaffProfileService(guardian: guardian, audit: audit),
        doctors: DoctorDirectory(guardian: guardian, keyring: keyring, slots: slots),
        availability: AvailabilityService(guardian: guardian, audit: audit),
        slots: slots,
        appointments: AppointmentService(guardian: guardian, audit: audit, keyring: keyring, slots: slots, patientAccess: patientAccess),
        shifts: ShiftService(guardian: guardian, audit: audit, keyring: keyring),
        webhooks: WebhookService(audit: audit, keyring: keyring,
                                 inboundSMS: InboundSMSRouter(handlers: [
                                     AppointmentReplyHandler(audit: audit, clock: config.reminderClock, configuration: tenantFile),
                                     StepCheckInReplyHandler(checkIns: CareStepCheckInService(audit: audit), keyring: keyring,
                                                             clock: config.reminderClock),
                                 ]),
                                 rejections: WebhookRejectionLimiter(policy: config.webhookRejections),
                                 tenants: tenantIdentities, statements: PostgresLedgerStatements()),
        tenantIdentities: tenantIdentities,
        integrationStatus: IntegrationStatusService(guardian: guardian, tenants: tenants, health: integrations),
        outboxAdmin: OutboxAdminService(guardian: guardian, audit: audit),
        devices: DeviceService(guardian: guardian, audit: audit, keyring: keyring),
        push: PushService(outbox: outbox, keyring: keyring),
        models: models,
        predictions: PredictionService(registry: models, guardian: guardian, patients: patientAccess, keyring: keyring, audit: audit),
        accounts: AccountServices(
            signup: SignupService(db: db, hasher: hasher, outbox: outbox, audit: audit, keyring: keyring, tenants: tenants,
                                  patients: patients,
                                  publicURL: config.publicURL),
            passwordReset: PasswordResetService(db: db, hasher: hasher, outbox: outbox, audit: audit, keyring: keyring, publicURL: config.publicURL,
                                                revoker: revoker),
            profiles: ProfileService(db: db, keyring: keyring, audit: audit, memo: accountMemo),
            passwordChange: PasswordChangeService(db: db, hasher: hasher, keyring: keyring, audit: audit, throttle: throttle, revoker: revoker),
            sessions: OwnSessionsService(db: db, audit: audit, revoker: revoker)),
        llmExchanges: llmExchanges,
        careSteps: CareStepService(patients: patientAccess, keyring: keyring, checkIns: careStepCheckIns),
        careStepCheckIns: careStepCheckIns,
        prescriptions: PrescriptionService(patients: patientAccess, documents: documents, exchanges: llmExchanges, llms: integrations,
                                           keyring: keyring, audit: audit)
    )
    do {
        try await models.loadAll()
    } catch {
        // Refuse to start on a tampered or corrupt model file: the message names it.
        app.logger.critical("invalid model file", metadata: ["error": .string("\(error)")])
        throw error
    }

    ContentConfiguration.global.use(encoder: ResponseJSONEncoder(), for: .json)
    ContentConfiguration.global.use(decoder: JSONDecoder.custom(dates: .iso8601), for: .json)
    app.routes.defaultMaxBodySize = ByteCount(stringLiteral: config.maxBodySize)
    // The admin console's templates: cached in production, read afresh in development.
    app.views.use(.leaf)
    let views = URL(fileURLWithPath: config.resourcesDirectory).appendingPathComponent("Views").standardizedFileURL.path
    app.leaf.configuration.rootDirectory = views + "/"
    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(AccessLogMiddleware())
    app.middleware.use(ProblemMiddleware())

    try routes(app, metrics: metrics)
}

/// `$CAREFLOW_DATA_DIR/models/`, seeded with the shipped models on first start.
func openModelRegistry(_ config: AppConfiguration, logger: Logger) throws -> ModelRegistry {
    let registry = ModelRegistry(directory: ModelDirectory(url: URL(fileURLWithPath: config.modelsDirectory)))
    if FileManager.default.fileExists(atPath: config.shippedModelsDirectory) {
        try registry.seed(from: URL(fileURLWithPath: config.shippedModelsDirectory))
    } else {
        logger.warning("no shipped models folder", metadata: ["path": .string(config.shippedModelsDirectory)])
    }
    return registry
}
