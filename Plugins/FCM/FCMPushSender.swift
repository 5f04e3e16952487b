import AdapterHTTP
import CareFlowCore
import Foundation

/// FCM HTTP v1 send. A 401 means the cached access token went stale early: it is dropped and
/// the send tried once more with a fresh one.
struct FCMPushSender: PushSender {
    let client: ProviderClient
    let projectID: String
    let tokens: FCMAccessTokenProvider

    func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt {
        let body = try ProviderRequestBody.json(FCMSendRequest(message))
        let path = "/v1/projects/\(ProviderClient.pathSegment(projectID))/messages:send"
        var response = try await post(path, body)
        if response.status == 401 {
            response = try await post(path, body)
        }
        guard response.isSuccess else { throw Self.error(from: response) }
        let sent = try response.decode(FCMSendResponse.self, provider: "fcm")
        return DeliveryReceipt(provider: "fcm", providerMessageID: sent.name)
    }

    private func post(_ path: String, _ body: ProviderRequestBody) async throws -> ProviderResponse {
        let token = try await tokens.token()
        let response = try await client.send(.POST, path, headers: [ProviderClient.bearer(token)], body: body)
        if response.status == 401 { await tokens.invalidate(token) }
        return response
    }

    /// `UNREGISTERED`, `SENDER_ID_MISMATCH` and an `INVALID_ARGUMENT` about the token mean the
    /// device token is dead; `THIRD_PARTY_AUTH_ERROR` is an APNs/web-push credential problem
    /// of the project.
    static func error(from response: ProviderResponse) -> IntegrationError {
        let error = response.decodeError(GoogleErrorBody.self)?.error
        let fcmCode = error?.details?.lazy.compactMap(\.errorCode).first
        let status = error?.status
        let code = fcmCode ?? status
        let kind: IntegrationError.Kind? = switch code {
        case "UNREGISTERED", "SENDER_ID_MISMATCH": .deadRecipient
        case "INVALID_ARGUMENT" where error?.isAboutToken ?? false: .deadRecipient
        case "THIRD_PARTY_AUTH_ERROR": .misconfigured
        default: nil
        }
        return response.error(provider: "fcm", kind: kind, code: code, message: error?.message)
    }
}

struct FCMSendRequest: Encodable {
    struct Message: Encodable {
        struct Notification: Encodable {
            let title: String
            let body: String
        }
        struct Android: Encodable { let priority: String }
        struct APNS: Encodable { let headers: [String: String] }

        let token: String
        let notification: Notification
        let data: [String: String]?
        let android: Android
        let apns: APNS
    }

    let message: Message

    init(_ push: PushMessage) {
        message = Message(token: push.deviceToken, notification: .init(title: push.title, body: push.body),
                          data: push.data.isEmpty ? nil : push.data, android: .init(priority: "high"),
                          apns: .init(headers: ["apns-priority": "10"]))
    }
}

struct FCMSendResponse: Decodable {
    let name: String
}

struct GoogleErrorBody: Decodable {
    struct Detail: Decodable {
        let type: String?
        let errorCode: String?
        let fieldViolations: [FieldViolation]?

        enum CodingKeys: String, CodingKey {
            case type = "@type", errorCode, fieldViolations
        }
    }
    struct FieldViolation: Decodable {
        let field: String?
    }
    struct Status: Decodable {
        let code: Int?
        let message: String?
        let status: String?
        let details: [Detail]?

        /// FCM names the token either in a `BadRequest` field violation (`message.token`) or
        /// in the message text ("The registration token is not a valid FCM registration token").
        var isAboutToken: Bool {
            let fields = details?.flatMap { $0.fieldViolations ?? [] }.compactMap(\.field) ?? []
            return fields.contains("message.token") || (message?.localizedCaseInsensitiveContains("registration token") ?? false)
        }
    }
    let error: Status
}
