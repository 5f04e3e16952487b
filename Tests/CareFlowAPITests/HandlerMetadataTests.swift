@testable import CareFlowAPI
import Logging
import Testing

/// The log handlers' metadata behaves as the dictionary it replaced: the newest value of a key
/// wins, a key set to nil is gone, and a logger's copies do not see each other's changes.
@Suite("Log handler metadata (pure)")
struct HandlerMetadataTests {
    @Test("set, replace, remove and read back, as a dictionary does")
    func dictionarySemantics() {
        var values = HandlerMetadata(["a": "1", "b": "2"])
        values["request-id"] = "vapor"
        values["request-id"] = "ours"
        values["user_id"] = "u"
        values["b"] = nil
        values["gone"] = nil
        #expect(values["request-id"] == "ours")
        #expect(values["a"] == "1")
        #expect(values["b"] == nil)
        #expect(values.dictionary == ["a": "1", "request-id": "ours", "user_id": "u"])
        values["b"] = "back"
        #expect(values.dictionary == ["a": "1", "b": "back", "request-id": "ours", "user_id": "u"])
        values.dictionary = ["only": "this"]
        #expect(values.dictionary == ["only": "this"])
        #expect(values["a"] == nil)
    }

    @Test("a key set thousands of times keeps its newest value and the rest")
    func longLived() {
        var values = HandlerMetadata(["fixed": "yes"])
        for i in 0..<5_000 { values["counter"] = .stringConvertible(i) }
        #expect(values["counter"]?.description == "4999")
        #expect(values.dictionary.count == 2)
        #expect(values["fixed"] == "yes")
    }

    @Test("copies of a logger keep their own metadata; the handlers fit a logger's inline buffer")
    func copies() {
        var request = Logger(label: "t") { JSONLogHandler(label: $0, level: .info) }
        request[metadataKey: "request-id"] = "r1"
        var copy = request
        copy[metadataKey: "request-id"] = "r2"
        copy[metadataKey: "user_id"] = "u"
        #expect(request[metadataKey: "request-id"] == "r1")
        #expect(request[metadataKey: "user_id"] == nil)
        #expect(copy[metadataKey: "request-id"] == "r2")
        #expect(copy.handler.metadata == ["request-id": "r2", "user_id": "u"])
        // Three words: larger, and every set on a shared logger allocated a new box for it.
        #expect(MemoryLayout<JSONLogHandler>.size <= 3 * MemoryLayout<Int>.size)
        #expect(MemoryLayout<TextLogHandler>.size <= 3 * MemoryLayout<Int>.size)
    }
}
