import AsyncHTTPClient
import CareFlowCore
import Crypto
import FCMAdapter
import Foundation
import Testing
import _CryptoExtras

@Suite("FCM adapter against a fake Google OAuth and FCM")
struct FCMAdapterTests {
    /// One RSA key for the suite: generating 2048-bit keys is slow in debug builds.
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let projectID = "careflow-test"
    static let clientEmail = "fcm-sender@careflow-test.iam.gserviceaccount.com"

    static func serviceAccount(tokenURI: String) -> String {
        let object: [String: String] = [
            "type": "service_account", "project_id": projectID, "private_key_id": "0f1e2d3c4b5a",
            "private_key": key.pkcs8PEMRepresentation, "client_email": clientEmail, "client_id": "1234567890",
            "token_uri": tokenURI,
        ]
        return String(decoding: try! JSONEncoder().encode(object), as: UTF8.self)
    }

    func sender(_ fake: FakeProvider, _ http: HTTPClient) throws -> any PushSender {
        try FCMAdapterFactory.make(
            settings: AdapterSettings(adapter: "fcm", values: ["service_account": Self.serviceAccount(tokenURI: fake.baseURL + "/token"),
                                                               "base_url": fake.baseURL]),
            http: http)
    }

    static let sendPath = "/v1/projects/\(projectID)/messages:send"

    /// A fake Google: `/token` checks the JWT bearer assertion with the service account's public
    /// key and hands out `ya29.token-<n>`; the send route answers with `send(request, n)`.
    static func google(expiresIn: Int = 3599, tokens: Counter = Counter(),
                       send: @escaping @Sendable (FakeProvider.Request) -> FakeProvider.Action = { _ in
                           .reply(.json(200, #"{"name":"projects/careflow-test/messages/0:1700000000000000%abc"}"#))
                       }) -> @Sendable (FakeProvider.Request) -> FakeProvider.Action {
        { request in
            guard request.path == "/token" else { return send(request) }
            guard request.formValue("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer",
                  let assertion = request.formValue("assertion"), verify(assertion) != nil
            else { return .reply(.json(400, #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#)) }
            return .reply(.json(200, #"{"access_token":"ya29.token-\#(tokens.next())","expires_in":\#(expiresIn),"token_type":"Bearer"}"#))
        }
    }

    /// The assertion's header and claims when its RS256 signature verifies, else `nil`.
    static func verify(_ jwt: String) -> (header: JSONValue, claims: JSONValue)? {
        let parts = jwt.split(separator: ".").map(String.init)
        guard parts.count == 3, let header = base64URL(parts[0]), let claims = base64URL(parts[1]),
              let signature = base64URL(parts[2]) else { return nil }
        let valid = key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                                   for: Data("\(parts[0]).\(parts[1])".utf8), padding: .insecurePKCS1v1_5)
        guard valid, let h = try? JSONDecoder().decode(JSONValue.self, from: header),
              let c = try? JSONDecoder().decode(JSONValue.self, from: claims) else { return nil }
        return (h, c)
    }

    static func base64URL(_ text: String) -> Data? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static let message = PushMessage(deviceToken: "fcm-device-token-1", title: "Appointment", body: "Tomorrow 09:00",
                                     data: ["appointment_id": "a1", "kind": "reminder"])

    @Test("Token by RS256 JWT bearer grant, then messages:send with the bearer token and the exact JSON")
    func send() async throws {
        try await withFakeProvider(Self.google()) { fake, http in
            let before = Int(Date().timeIntervalSince1970)
            let receipt = try await sender(fake, http).send(Self.message, idempotencyKey: "outbox-push-1")
            let after = Int(Date().timeIntervalSince1970)
            #expect(fake.requests.map(\.path) == ["/token", Self.sendPath])
            let tokenRequest = fake.requests[0]
            #expect(tokenRequest.method == "POST" && tokenRequest.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(tokenRequest.form.map(\.0) == ["grant_type", "assertion"])
            let assertion = try #require(tokenRequest.formValue("assertion"))
            let (header, claims) = try #require(Self.verify(assertion))
            #expect(header == json(#"{"alg":"RS256","typ":"JWT","kid":"0f1e2d3c4b5a"}"#))
            let iat = try #require(claims.objectValue?["iat"]?.intValue)
            #expect(iat >= before - 1 && iat <= after + 1, "issued during the call")
            #expect(claims == json("""
                {"iss":"\(Self.clientEmail)","scope":"https://www.googleapis.com/auth/firebase.messaging",
                 "aud":"\(fake.baseURL)/token","iat":\(iat),"exp":\(iat + 3600)}
                """))

            let send = fake.requests[1]
            #expect(send.method == "POST")
            #expect(send.header("Authorization") == "Bearer ya29.token-1")
            #expect(send.header("Content-Type") == "application/json")
            #expect(send.json == json("""
                {"message":{"token":"fcm-device-token-1","notification":{"title":"Appointment","body":"Tomorrow 09:00"},
                 "data":{"appointment_id":"a1","kind":"reminder"},"android":{"priority":"high"},
                 "apns":{"headers":{"apns-priority":"10"}}}}
                """))
            #expect(receipt.providerMessageID == "projects/careflow-test/messages/0:1700000000000000%abc")
        }
    }

    @Test("The access token is cached: two sends, then eight concurrent ones, make one token request")
    func tokenCached() async throws {
        try await withFakeProvider(Self.google()) { fake, http in
            let sender = try sender(fake, http)
            try await sender.send(Self.message, idempotencyKey: "a")
            try await sender.send(Self.message, idempotencyKey: "b")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 { group.addTask { try await sender.send(Self.message, idempotencyKey: "c\(i)") } }
                try await group.waitForAll()
            }
            #expect(fake.requests(to: "/token").count == 1)
            #expect(fake.requests(to: Self.sendPath).count == 10)
            #expect(fake.requests(to: Self.sendPath).allSatisfy { $0.header("Authorization") == "Bearer ya29.token-1" })
        }
    }

    @Test("Concurrent first sends share one token fetch")
    func concurrentFirstFetch() async throws {
        try await withFakeProvider(Self.google()) { fake, http in
            let sender = try sender(fake, http)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<8 { group.addTask { try await sender.send(Self.message, idempotencyKey: "c\(i)") } }
                try await group.waitForAll()
            }
            #expect(fake.requests(to: "/token").count == 1)
        }
    }

    @Test("A token within a minute of expiry is not used: each send fetches a new one")
    func tokenNearExpiry() async throws {
        try await withFakeProvider(Self.google(expiresIn: 30)) { fake, http in
            let sender = try sender(fake, http)
            try await sender.send(Self.message, idempotencyKey: "a")
            try await sender.send(Self.message, idempotencyKey: "b")
            #expect(fake.requests(to: "/token").count == 2)
            #expect(fake.requests(to: Self.sendPath).map { $0.header("Authorization") } == ["Bearer ya29.token-1", "Bearer ya29.token-2"])
        }
    }

    @Test("A 401 on send drops the token and retries once with a fresh one")
    func staleToken() async throws {
        let sends = Counter()
        let google = Self.google { _ in
            sends.next() == 1
                ? .reply(.json(401, #"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#))
                : .reply(.json(200, #"{"name":"projects/careflow-test/messages/2"}"#))
        }
        try await withFakeProvider(google) { fake, http in
            let receipt = try await sender(fake, http).send(Self.message, idempotencyKey: "a")
            #expect(receipt.providerMessageID == "projects/careflow-test/messages/2")
            #expect(fake.requests.map(\.path) == ["/token", Self.sendPath, "/token", Self.sendPath])
            #expect(fake.requests[3].header("Authorization") == "Bearer ya29.token-2")
        }
    }

    static func googleError(_ status: Int, _ name: String, _ message: String, fcm: String?, field: String? = nil) -> String {
        var details: [String] = []
        if let fcm { details.append(#"{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"\#(fcm)"}"#) }
        if let field {
            details.append(#"{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"\#(field)","description":"Invalid registration token"}]}"#)
        }
        return #"{"error":{"code":\#(status),"message":"\#(message)","status":"\#(name)","details":[\#(details.joined(separator: ","))]}}"#
    }

    @Test("UNREGISTERED (404) and INVALID_ARGUMENT about the token (400) mark the device dead; other errors do not")
    func errors() async throws {
        let sends = Counter()
        let google = Self.google { _ in
            switch sends.next() {
            case 1: .reply(.json(404, Self.googleError(404, "NOT_FOUND", "Requested entity was not found.", fcm: "UNREGISTERED")))
            case 2: .reply(.json(400, Self.googleError(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                                                      fcm: "INVALID_ARGUMENT", field: "message.token")))
            case 3: .reply(.json(400, Self.googleError(400, "INVALID_ARGUMENT", "Invalid value at 'message.data[0].value'",
                                                      fcm: "INVALID_ARGUMENT")))
            case 4: .reply(.json(429, Self.googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", fcm: "QUOTA_EXCEEDED"),
                                 headers: [("Retry-After", "60")]))
            default: .reply(.json(503, Self.googleError(503, "UNAVAILABLE", "The service is currently unavailable.", fcm: "UNAVAILABLE")))
            }
        }
        try await withFakeProvider(google) { fake, http in
            let sender = try sender(fake, http)
            var errors: [IntegrationError?] = []
            for _ in 0..<5 { errors.append(await integrationError { _ = try await sender.send(Self.message, idempotencyKey: "k") }) }
            #expect(errors.map { $0?.kind } == [.deadRecipient, .deadRecipient, .permanent, .retryable, .retryable])
            #expect(errors.map { $0?.providerCode } == ["UNREGISTERED", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "QUOTA_EXCEEDED", "UNAVAILABLE"])
            #expect(errors.map { $0?.httpStatus } == [404, 400, 400, 429, 503])
            #expect(errors[3]?.retryAfter == .seconds(60))
            #expect(fake.requests(to: "/token").count == 1)
        }
    }

    @Test("A refused grant is a configuration problem")
    func invalidGrant() async throws {
        try await withFakeProvider({ request in
            .reply(.json(400, #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#))
        }) { fake, http in
            let error = try #require(await integrationError { _ = try await sender(fake, http).send(Self.message, idempotencyKey: "k") })
            #expect(error.kind == .misconfigured && error.providerCode == "invalid_grant")
            #expect(fake.requests.map(\.path) == ["/token"])
        }
    }

    @Test("The factory names the unusable part of the service account, never its value")
    func badServiceAccount() {
        func make(_ json: String) throws {
            _ = try FCMAdapterFactory.make(settings: AdapterSettings(adapter: "fcm", values: ["service_account": json]),
                                           http: HTTPClient.shared)
        }
        #expect(throws: AdapterConfigurationError(adapter: "fcm", field: "service_account", reason: "not a service-account JSON document")) {
            try make("-----BEGIN PRIVATE KEY-----")
        }
        #expect(throws: AdapterConfigurationError(adapter: "fcm", field: "service_account.client_email", reason: "required")) {
            try make(#"{"project_id":"p","private_key":"x"}"#)
        }
        #expect(throws: AdapterConfigurationError(adapter: "fcm", field: "service_account.private_key", reason: "not a PEM RSA private key")) {
            try make(#"{"project_id":"p","client_email":"a@b","private_key":"not a key"}"#)
        }
        #expect(throws: AdapterConfigurationError(adapter: "fcm", field: "service_account", reason: "required secret is missing or empty")) {
            _ = try FCMAdapterFactory.make(settings: AdapterSettings(adapter: "fcm", values: [:]), http: HTTPClient.shared)
        }
    }
}
