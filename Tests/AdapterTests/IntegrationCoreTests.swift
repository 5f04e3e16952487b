import AdapterHTTP
import CareFlowCore
import Foundation
import Testing

@Suite("Provider-neutral integration pieces")
struct IntegrationCoreTests {
    @Test("A resolved secret never prints")
    func secretRedacted() {
        let secret = ResolvedSecret("sk_live_very_secret")
        var dumped = ""
        dump(secret, to: &dumped)
        let settings = AdapterSettings(adapter: "stripe", values: ["secret_key": "sk_live_very_secret", "base_url": "https://x.example"])
        for text in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\(settings)", "\([secret])"] {
            #expect(!text.contains("very_secret"), "\(text)")
        }
        #expect("\(settings)" == "stripe(base_url=https://x.example, secret_key=<redacted>)")
        #expect(secret.reveal() == "sk_live_very_secret")
    }

    @Test("Form encoding: bracketed nesting, lists from 0, RFC 3986 escaping, space as +")
    func formEncoding() {
        let body = FormURLEncoder().encode([
            ("amount", .int(1500)),
            ("metadata", .map(["b": "2", "a": "x y&z=é"])),
            ("items", .list([.map(["name": "A"]), .map(["name": "B"])])),
        ])
        #expect(body == "amount=1500&metadata%5Ba%5D=x+y%26z%3D%C3%A9&metadata%5Bb%5D=2&items%5B0%5D%5Bname%5D=A&items%5B1%5D%5Bname%5D=B")
        #expect(FormURLEncoder.decode(body).map(\.0) == ["amount", "metadata[a]", "metadata[b]", "items[0][name]", "items[1][name]"])
        #expect(FormURLEncoder.decode(body)[1].1 == "x y&z=é")
    }

    @Test("Retry-After: seconds, HTTP date, junk")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_445_412_400) // Wed, 21 Oct 2015 07:26:40 GMT
        #expect(RetryAfter.parse("120") == .seconds(120))
        #expect(RetryAfter.parse("1.5") == .milliseconds(1500))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(80))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon") == nil && RetryAfter.parse(nil) == nil && RetryAfter.parse("-3") == nil)
        #expect(RetryAfter.parseMilliseconds("250") == .milliseconds(250))
    }

    @Test("HTTP status to error kind")
    func statusKinds() {
        let table: [(Int, IntegrationError.Kind)] = [
            (400, .permanent), (401, .misconfigured), (402, .permanent), (403, .misconfigured), (404, .permanent),
            (408, .retryable), (409, .retryable), (422, .permanent), (429, .retryable), (500, .retryable), (503, .retryable),
        ]
        for (status, kind) in table { #expect(IntegrationError.kind(forHTTPStatus: status) == kind, "\(status)") }
    }

    @Test("JSON schema subset: types, required, enum, items, additionalProperties, integer")
    func schema() {
        let schema = json("""
            {"type":"object","required":["n","tags"],"additionalProperties":false,
             "properties":{"n":{"type":"integer","minimum":1},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]},"minItems":1},
                           "note":{"type":["string","null"]},"ok":{"type":"boolean"}}}
            """)
        #expect(JSONSchema.violations(of: json(#"{"n":2,"tags":["a"],"note":null,"ok":true}"#), against: schema).isEmpty)
        let found = JSONSchema.violations(of: json(#"{"n":0.5,"tags":["c",1],"extra":1,"ok":"yes"}"#), against: schema).map(\.description)
        #expect(found == [
            "$.extra: not allowed",
            "$.n: expected integer, found number",
            "$.ok: expected boolean, found string",
            "$.tags[0]: not one of the allowed values",
            "$.tags[1]: expected string, found number",
        ])
        #expect(JSONSchema.violations(of: json("[]"), against: schema).map(\.description) == ["$: expected object, found array"])
        #expect(JSONSchema.violations(of: json(#"{"tags":[]}"#), against: schema).map(\.description) == ["$.n: required", "$.tags: fewer than 1 items"])
        let example = JSONSchema.example(of: schema)
        #expect(JSONSchema.violations(of: example, against: schema).isEmpty, "\(example)")
    }
}
