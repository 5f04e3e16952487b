@testable import CareFlowCore
import Foundation
import Testing

@Suite("Untyped JSON request bodies (pure)")
struct JSONValueTests {
    @Test("each JSON kind decodes as itself: no boolean read as a number, no number or string as a boolean")
    func kinds() throws {
        let body = #"{"t":true,"f":false,"zero":0,"one":1,"x":1.5,"neg":-2e3,"s":"1","sb":"true","n":null,"a":[1,"a",false,null],"o":{"k":{}}}"#
        let object = try JSONValue.parseObject(Data(body.utf8))
        #expect(object["t"] == .bool(true))
        #expect(object["f"] == .bool(false))
        #expect(object["zero"] == .number(0))
        #expect(object["one"] == .number(1))
        #expect(object["x"] == .number(1.5))
        #expect(object["neg"] == .number(-2000))
        #expect(object["s"] == .string("1"))
        #expect(object["sb"] == .string("true"))
        #expect(object["n"] == .null)
        #expect(object["a"] == .array([.number(1), .string("a"), .bool(false), .null]))
        #expect(object["o"] == .object(["k": .object([:])]))
    }

    @Test("malformed bodies and non-objects are refused", arguments: ["", "[]", "1", "\"x\"", "{", "{\"a\":}", "{\"a\":01}", "{'a':1}",
                                                                          "{\"a\":1,}", "{\"a\":1,\"a\":2}"])
    func refused(body: String) {
        #expect(throws: AppError.self) { try JSONValue.parseObject(Data(body.utf8)) }
    }
}
