import AsyncHTTPClient
import CareFlowCore
import Foundation
import Testing
import TwilioAdapter

@Suite("Twilio adapter against a fake Twilio")
struct TwilioAdapterTests {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "twilio-auth-token-secret"

    func sender(_ fake: FakeProvider, _ http: HTTPClient) throws -> any SMSSender {
        try TwilioAdapterFactory.make(
            settings: AdapterSettings(adapter: "twilio", values: ["account_sid": Self.accountSID, "auth_token": Self.authToken,
                                                                  "from": "+250700000000", "base_url": fake.baseURL]),
            http: http)
    }

    @Test("Messages.json: basic auth with the account SID, form To/From/Body/StatusCallback; 201 gives the SID")
    func send() async throws {
        let created = """
            {"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","status":"queued","to":"+250788000001","from":"+250700000000",
             "body":"Reminder: appointment tomorrow 09:00","num_segments":"1","error_code":null}
            """
        try await withFakeProvider({ _ in .reply(.json(201, created)) }) { fake, http in
            let receipt = try await sender(fake, http).send(
                OutgoingSMS(to: "+250788000001", body: "Reminder: appointment tomorrow 09:00",
                            statusCallbackURL: "https://care.example/webhooks/kigali-health/twilio/status"),
                idempotencyKey: "outbox-sms-1")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/2010-04-01/Accounts/\(Self.accountSID)/Messages.json")
            let basic = Data("\(Self.accountSID):\(Self.authToken)".utf8).base64EncodedString()
            #expect(request.header("Authorization") == "Basic \(basic)")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(request.text == "To=%2B250788000001&From=%2B250700000000&Body=Reminder%3A+appointment+tomorrow+09%3A00"
                + "&StatusCallback=https%3A%2F%2Fcare.example%2Fwebhooks%2Fkigali-health%2Ftwilio%2Fstatus")
            #expect(receipt == DeliveryReceipt(provider: "twilio", providerMessageID: "SM1f0e8ae6ade43cb3c0ce4525424e404f", status: "queued"))
        }
    }

    @Test("No StatusCallback field when the message has none")
    func withoutCallback() async throws {
        try await withFakeProvider({ _ in .reply(.json(201, #"{"sid":"SM1","status":"accepted"}"#)) }) { fake, http in
            _ = try await sender(fake, http).send(OutgoingSMS(to: "+250788000001", body: "Hi"), idempotencyKey: "k")
            #expect(fake.requests[0].form.map(\.0) == ["To", "From", "Body"])
        }
    }

    @Test("400 with code 21211 (invalid 'To') marks the recipient dead")
    func invalidNumber() async throws {
        let body = #"{"code":21211,"message":"The 'To' number +2507 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#
        try await withFakeProvider({ _ in .reply(.json(400, body)) }) { fake, http in
            let error = try #require(await integrationError {
                _ = try await sender(fake, http).send(OutgoingSMS(to: "+2507", body: "Hi"), idempotencyKey: "k")
            })
            #expect(error.kind == .deadRecipient && error.providerCode == "21211" && error.httpStatus == 400)
            #expect(error.message.contains("not a valid phone number"))
        }
    }

    @Test("Other 400s are permanent, 429 retryable with Retry-After, 401 misconfigured")
    func otherErrors() async throws {
        let counter = Counter()
        try await withFakeProvider({ _ in
            switch counter.next() {
            case 1: .reply(.json(400, #"{"code":21602,"message":"Message body is required.","status":400}"#))
            case 2: .reply(.json(429, #"{"code":20429,"message":"Too Many Requests","status":429}"#, headers: [("Retry-After", "1")]))
            default: .reply(.json(401, #"{"code":20003,"message":"Authenticate","status":401}"#))
            }
        }) { fake, http in
            let sender = try sender(fake, http)
            let sms = OutgoingSMS(to: "+250788000001", body: "")
            let kinds = [await integrationError { _ = try await sender.send(sms, idempotencyKey: "k") },
                         await integrationError { _ = try await sender.send(sms, idempotencyKey: "k") },
                         await integrationError { _ = try await sender.send(sms, idempotencyKey: "k") }]
            #expect(kinds.map { $0?.kind } == [.permanent, .retryable, .misconfigured])
            #expect(kinds[1]?.retryAfter == .seconds(1))
            #expect(kinds.compactMap { $0 }.allSatisfy { !"\($0)".contains(Self.authToken) })
        }
    }

    @Test("The factory names the missing setting")
    func missingFrom() {
        #expect(throws: AdapterConfigurationError(adapter: "twilio", field: "from", reason: "required")) {
            _ = try TwilioAdapterFactory.make(
                settings: AdapterSettings(adapter: "twilio", values: ["account_sid": Self.accountSID, "auth_token": "t"]),
                http: HTTPClient.shared)
        }
    }
}
