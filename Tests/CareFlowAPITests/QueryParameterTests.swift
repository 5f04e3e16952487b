@testable import CareFlowAPI
import Testing
import Vapor

/// Query strings as RFC 3986 and the HTML form encoding write them (`+` and `%20` are spaces).
@Suite("Query parameters")
struct QueryParameterTests {
    @Test("percent-decoded, '+' as space, first value of a repeated key, malformed pairs ignored")
    func parsing() {
        let q = Request.parseQuery("name=Aline+Uwase&mrn=KH%2D000123&empty=&flag&=orphan&name=second&bad=%ZZ&e=%C3%A9")
        #expect(q["name"] == "Aline Uwase")
        #expect(q["mrn"] == "KH-000123")
        #expect(q["empty"] == "")
        #expect(q["flag"] == "")
        #expect(q[""] == nil)
        #expect(q["bad"] == nil)
        #expect(q["e"] == "é")
        #expect(Request.parseQuery(nil).isEmpty && Request.parseQuery("").isEmpty)
    }
}
