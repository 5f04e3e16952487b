@testable import CareFlowAPI
import CareFlowCore
import Foundation
import VaporTesting

/// The integration, outbox and device endpoints of the policy table test. Device registration is
/// `self` for every tenant role: each caller registers a fresh token of their own.
extension RBACTests {
    static let integrationEndpoints: [Endpoint] = [
        Endpoint(name: "GET /integrations", action: .integrationRead) { _, _ in
            Call(method: .GET, path: "/api/v1/integrations", json: nil, success: .ok)
        },
        Endpoint(name: "GET /outbox", action: .outboxRead) { _, _ in
            Call(method: .GET, path: "/api/v1/outbox?status=dead", json: nil, success: .ok)
        },
        Endpoint(name: "POST /outbox/{id}/requeue", action: .outboxManage) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let message = try await app.services.outbox.enqueue(.email(OutgoingEmail(to: "p@example.org", subject: "S", body: "B")), in: scope)
            message.status = .dead
            try await scope.update(message)
            return Call(method: .POST, path: "/api/v1/outbox/\(message.id!)/requeue", json: nil, success: .ok)
        },
        Endpoint(name: "POST /me/devices", action: .deviceManage) { _, _ in
            Call(method: .POST, path: "/api/v1/me/devices",
                 json: jsonBody(["token": "fcm-\(UUID().uuidString)", "platform": "android"]), success: .created)
        },
        Endpoint(name: "GET /me/devices", action: .deviceManage) { _, _ in
            Call(method: .GET, path: "/api/v1/me/devices", json: nil, success: .ok)
        },
    ]
}
