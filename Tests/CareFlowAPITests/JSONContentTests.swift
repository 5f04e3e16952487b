@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

/// `JSONContent` answers skip `ContentConfiguration`'s lookup; what they write must not change.
@Suite("JSON answers written directly")
struct JSONContentTests {
    @Test("the same bytes and Content-Type as Vapor's content encoding with the app's encoder")
    func sameAsContent() async throws {
        try await withCareFlow(.sqlite) { app in
            let request = Request(application: app, on: app.eventLoopGroup.any())
            let me = MeDTO(id: UUID(), kind: "user", tenantID: UUID(), email: "ana@example.org", displayName: "Ana \"Nurse\" ü",
                           roles: [], amr: ["pwd", "otp"])
            let list = ListResponse(Page(items: [me, me], nextCursor: "abc")) { $0 }
            func viaContent(_ value: some Content) throws -> Response {
                let response = Response()
                try response.content.encode(value)
                return response
            }
            for (direct, content) in [(try await me.encodeResponse(for: request), try viaContent(me)),
                                      (try await list.encodeResponse(for: request).get(), try viaContent(list))] {
                #expect(direct.headers.first(name: .contentType) == content.headers.first(name: .contentType))
                #expect(direct.headers.first(name: .contentType) == "application/json; charset=utf-8")
                #expect(direct.body.buffer == content.body.buffer)
                #expect(direct.status == .ok)
            }
        }
    }
}
