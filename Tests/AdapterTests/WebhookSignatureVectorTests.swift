import CareFlowCore
import Foundation
import StripeAdapter
import Testing
import TwilioAdapter

/// The providers' published signature vectors (specs/stripe-webhooks.md, specs/twilio.md),
/// against the verifiers in their plugins. The routes end to end: CareFlowAPITests/WebhookTests.
@Suite("Webhook signature vectors")
struct WebhookSignatureVectorTests {
    @Test("the spec's Stripe vector, and headers with several v1 and a v0")
    func stripeVector() throws {
        let body = Data(#"{"id":"evt_test_1","object":"event","type":"payment_intent.succeeded"}"#.utf8)
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let header = "t=1700000000,v1=871acfe933554b446cc41d791076dd56a10c0553cc61aafbeb881d0082b45043"
        try StripeSignature.verify(header: header, payload: body, secrets: ["whsec_test_secret"], now: at)
        #expect(StripeSignature.header(payload: body, secret: "whsec_test_secret", timestamp: 1_700_000_000) == header)
        // Rotation: any v1 may match; v0 is ignored.
        try StripeSignature.verify(header: "t=1700000000,v1=00ff,v0=abcd,v1=871acfe933554b446cc41d791076dd56a10c0553cc61aafbeb881d0082b45043",
                                   payload: body, secrets: ["whsec_test_secret"], now: at)
        #expect(throws: WebhookVerificationError.timestampOutsideTolerance) {
            try StripeSignature.verify(header: header, payload: body, secrets: ["whsec_test_secret"], now: at.addingTimeInterval(301))
        }
        #expect(throws: WebhookVerificationError.timestampOutsideTolerance) {
            try StripeSignature.verify(header: header, payload: body, secrets: ["whsec_test_secret"], now: at.addingTimeInterval(-301))
        }
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try StripeSignature.verify(header: header, payload: body + Data(" ".utf8), secrets: ["whsec_test_secret"], now: at)
        }
    }

    @Test("the spec's Twilio vector, with and without the default port")
    func twilioVector() throws {
        let params = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
                      ("To", "+18005551212")]
        #expect(TwilioSignature.signature(url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: params, authToken: "12345")
                == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        try TwilioSignature.verify(signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                   parameters: params.reversed(), authTokens: ["12345"])
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try TwilioSignature.verify(signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url: "https://mycompany.com/myapp.php?foo=1&bar=3",
                                       parameters: params, authTokens: ["12345"])
        }
    }
}
