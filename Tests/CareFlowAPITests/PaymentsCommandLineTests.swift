@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting
import ProcessSpawn

/// `careflow payments simulate --invoice … --tenant … [--outcome …]` run as an operator runs
/// it, on the data folder of a test app: for a tenant on the console payments adapter only.
@Suite("Command line: payments simulate", .tags(.slow), .outsideFastLayer)
struct PaymentsCommandLineTests {
    static func careflow(_ arguments: [String], config: AppConfiguration) async throws -> CareflowExecutable.Run {
        let (data, tenants) = (config.dataDirectory, config.tenantsDirectory)
        let (models, datasets) = (config.shippedModelsDirectory, config.datasetsDirectory)
        return try await offThePool { try CareflowExecutable.run(arguments, data: data, tenants: tenants,
                                   models: models, datasets: datasets) }
    }

    @Test("a failed then a succeeded simulated payment: open, then paid through the webhook path; refused for a Stripe tenant")
    func simulate() async throws {
        guard FileManager.default.isExecutableFile(atPath: CareflowExecutable.path) else {
            Issue.record("\(CareflowExecutable.path) is missing: run `swift build` before `swift test`")
            return
        }
        let console = "slug: cli\nname: CLI tenant\ntimezone: Africa/Kigali\nintegrations:\n  payments: {adapter: console}\n"
        let stripe = "slug: card\nname: Card tenant\ntimezone: UTC\nintegrations:\n  payments: {adapter: stripe, secret_key: env:CLI_CARD_STRIPE_KEY, webhook_secret: env:CLI_CARD_STRIPE_WHSEC}\n"
        // The command runs in a child process, which reads the secrets from its environment.
        setenv("CLI_CARD_STRIPE_KEY", "sk_test_cli", 1)
        setenv("CLI_CARD_STRIPE_WHSEC", "whsec_cli", 1)
        try await withCareFlow(.sqlite, tenantFiles: ["cli.yaml": console, "card.yaml": stripe], configure: { config in
            config.secretEnvironment = ["CLI_CARD_STRIPE_KEY": "sk_test_cli", "CLI_CARD_STRIPE_WHSEC": "whsec_cli"]
        }) { app in
            let t = try await Fixtures.tenant(app, slug: "cli")
            let card = try await Fixtures.tenant(app, slug: "card")
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t), total: 7000)
            let config = app.services.configuration
            let number = try #require(invoice.number)

            let failed = try await Self.careflow(["payments", "simulate", "--invoice", number, "--tenant", "cli", "--outcome", "failed"], config: config)
            #expect(failed.status == 0, "\(failed.output)")
            var stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .open && stored.paymentProvider == "console" && stored.providerPaymentID != nil)
            #expect(try await PaymentFixtures.audits(app, "invoice.payment_failed", invoice: invoice).count == 1)

            let paid = try await Self.careflow(["payments", "simulate", "--invoice", invoice.id!.uuidString, "--tenant", "cli"], config: config)
            #expect(paid.status == 0 && paid.output.contains("paid"), "\(paid.output)")
            stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .paid && stored.amountPaid == 7000)
            #expect(try await PaymentFixtures.audits(app, "invoice.paid", invoice: invoice).count == 1)
            #expect(try await PaymentFixtures.audits(app, "invoice.payment_simulate", invoice: invoice).count == 2)
            let events = try await WebhookEvent.query(on: app.db).filter(\.$provider == "console").count()
            #expect(events == 2)

            // The server refunds a payment the command's process created.
            let refund = try await app.send(.POST, "/api/v1/invoices/\(invoice.id!)/refund", token: t[.billing].token, json: #"{"amount":2000}"#)
            #expect(refund.status == .ok && refund.json["invoice_status"] as? String == "partially_refunded", "\(refund.text)")

            let again = try await Self.careflow(["payments", "simulate", "--invoice", number, "--tenant", "cli"], config: config)
            #expect(again.status != 0 && again.output.contains("not open"), "\(again.output)")

            let cardInvoice = try await PaymentFixtures.invoice(app, card, patientID: try await Fixtures.patient(app, card), total: 7000)
            let refused = try await Self.careflow(["payments", "simulate", "--invoice", cardInvoice.id!.uuidString, "--tenant", "card"], config: config)
            #expect(refused.status != 0 && refused.output.contains("not console"), "\(refused.output)")
            #expect(try await PaymentFixtures.reload(app, cardInvoice).status == .open)
        }
    }
}
