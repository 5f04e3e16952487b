import CareFlowCore
import Vapor

/// `careflow payments simulate --invoice <id or number> --tenant <slug> [--outcome succeeded|failed]`
struct PaymentsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["simulate": Simulate()]
    var help: String { "Invoice payments" }

    /// For tenants on the console payments adapter (development and demos): completes or fails
    /// an open invoice's payment through the same path as the providers' webhooks.
    struct Simulate: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "invoice", help: "The invoice's id or number (INV-…)")
            var invoice: String?
            @Option(name: "tenant", help: "The tenant's slug")
            var tenant: String?
            @Option(name: "outcome", help: "succeeded (default) or failed")
            var outcome: String?
        }

        var help: String { "Complete (or fail) an open invoice's payment, for a tenant on the console payments adapter" }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let invoice = signature.invoice, !invoice.isEmpty else { throw CLIError("give --invoice <id or number>") }
            guard let tenant = signature.tenant, !tenant.isEmpty else { throw CLIError("give --tenant <slug>") }
            guard let outcome = InvoicePaymentSimulator.Outcome(rawValue: signature.outcome ?? "succeeded") else {
                throw CLIError("--outcome must be succeeded or failed")
            }
            let app = context.application
            let result: Invoice
            do {
                result = try await app.services.invoicePaymentSimulator.simulate(invoice: invoice, tenantSlug: tenant, outcome: outcome,
                                                                                 on: app.db)
            } catch let error as AppError {
                throw CLIError(error.detail)
            }
            context.console.print("invoice \(result.number ?? invoice): payment \(outcome.rawValue); status \(result.status.rawValue), "
                + "paid \(result.amountPaid) \(result.currency)")
        }
    }
}
