import Vapor

extension Application {
    /// Registers CareFlow's CLI next to Vapor's `serve` and Fluent's `migrate`.
    public func registerCareFlowCommands() {
        asyncCommands.use(PlatformCommand(), as: "platform")
        asyncCommands.use(TenantsCommand(), as: "tenants")
        asyncCommands.use(KeysCommand(), as: "keys")
        asyncCommands.use(AuditCommand(), as: "audit")
        asyncCommands.use(DocsCommand(), as: "docs")
        asyncCommands.use(BenchCommand(), as: "bench")
        asyncCommands.use(ImportCommand(), as: "import")
        asyncCommands.use(WorkerCommand(), as: "worker")
        asyncCommands.use(ModelCommand(), as: "model")
        asyncCommands.use(PaymentsCommand(), as: "payments")
    }
}
