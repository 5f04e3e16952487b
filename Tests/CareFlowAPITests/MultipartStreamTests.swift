@testable import CareFlowAPI
import CareFlowModels
import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1
import Testing

/// The upload path's multipart parser on its own, against MultipartKit's parser (the one Vapor
/// ships, byte by byte) as the reference: the same parts, headers and bytes, however the body is
/// cut into chunks.
@Suite("Multipart bodies are parsed as MultipartKit parses them, and strictly")
struct MultipartStreamTests {
    /// What a parser saw: each part's headers and content, and whether the close delimiter came.
    struct Parts: Equatable, CustomStringConvertible {
        var parts: [(headers: [String], body: [UInt8])] = []
        var complete = false

        static func == (a: Parts, b: Parts) -> Bool {
            a.complete == b.complete && a.parts.count == b.parts.count
                && zip(a.parts, b.parts).allSatisfy { $0.headers == $1.headers && $0.body == $1.body }
        }

        var description: String {
            "\(parts.map { "\($0.headers) + \($0.body.count) bytes" }), complete: \(complete)"
        }
    }

    static func parse(_ body: [UInt8], boundary: String, cuts: [Int]) throws -> Parts {
        var stream = MultipartStream(boundary: boundary)
        var result = Parts()
        var open = false
        for chunk in Self.chunks(body, at: cuts) {
            stream.append(ByteBuffer(bytes: chunk))
            while let event = try stream.next() {
                switch event {
                case .headers(let headers):
                    #expect(!open, "a part began inside another")
                    result.parts.append((headers.map { "\($0.name): \($0.value)" }, []))
                    open = true
                case .body(let bytes):
                    #expect(open, "content outside a part")
                    result.parts[result.parts.count - 1].body += Array(bytes.readableBytesView)
                case .partEnd:
                    open = false
                }
            }
        }
        result.complete = stream.isComplete
        return result
    }

    static func reference(_ body: [UInt8], boundary: String, cuts: [Int]) throws -> Parts {
        let parser = MultipartParser(boundary: boundary)
        final class Box { var result = Parts(); var headers: [String] = []; var body: [UInt8] = [] }
        let box = Box()
        parser.onHeader = { box.headers.append("\($0): \($1)") }
        parser.onBody = { box.body += Array($0.readableBytesView) }
        parser.onPartComplete = {
            box.result.parts.append((box.headers, box.body))
            box.headers = []
            box.body = []
        }
        for chunk in Self.chunks(body, at: cuts) { try parser.execute(ByteBuffer(bytes: chunk)) }
        return box.result
    }

    static func chunks(_ body: [UInt8], at cuts: [Int]) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        for cut in (cuts.filter { $0 > 0 && $0 < body.count }.sorted()) + [body.count] where cut > start {
            pieces.append(body[start..<cut])
            start = cut
        }
        return pieces
    }

    /// A well-formed body: random preamble (or none), parts of random binary content sown with
    /// near-delimiters (CR, CRLF, CRLF + dashes + a boundary prefix), random epilogue.
    static func randomBody(boundary: String, using random: inout SplitMix64) -> (body: [UInt8], parts: [(headers: [String], body: [UInt8])]) {
        var body: [UInt8] = []
        if Bool.random(using: &random) { body += Array("This is the preamble.\r\n".utf8) }
        body += Array("--\(boundary)".utf8)
        var parts: [(headers: [String], body: [UInt8])] = []
        for index in 0..<Int.random(in: 1...4, using: &random) {
            var headers = ["Content-Disposition: form-data; name=\"field\(index)\""]
            if Bool.random(using: &random) { headers.append("Content-Type: application/octet-stream") }
            body += Array("\r\n".utf8)
            for header in headers { body += Array("\(header)\r\n".utf8) }
            body += Array("\r\n".utf8)
            var content: [UInt8] = []
            // The boundary is chosen so that no content holds a delimiter; so must the generator.
            let delimiter = Array("\r\n--\(boundary)".utf8)
            repeat {
                content = Self.randomContent(boundary: boundary, using: &random)
            } while content.count >= delimiter.count
                && (0...(content.count - delimiter.count)).contains { content[$0..<$0 + delimiter.count].elementsEqual(delimiter) }
            body += content + Array("\r\n--\(boundary)".utf8)
            parts.append((headers, content))
        }
        body += Array("--".utf8)
        if Bool.random(using: &random) { body += Array("\r\nepilogue, ignored\r\n".utf8) }
        return (body, parts)
    }

    static func randomContent(boundary: String, using random: inout SplitMix64) -> [UInt8] {
        var content: [UInt8] = []
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: content += [13]
            case 1: content += [13, 10]
            case 2: content += Array("\r\n--".utf8) + Array("\(boundary)".utf8.prefix(Int.random(in: 0..<boundary.count, using: &random)))
            case 3: content += Array("--\(boundary)".utf8)
            default: content += (0..<Int.random(in: 1...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
        }
        return content
    }

    @Test("random bodies, cut anywhere: the parts MultipartKit finds, byte for byte", arguments: 0..<8)
    func matchesMultipartKit(seed: UInt64) throws {
        var random = SplitMix64(seed: 1_000 + seed)
        for _ in 0..<25 {
            let boundary = ["b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", String(repeating: "x", count: 70)].randomElement(using: &random)!
            let (body, expected) = Self.randomBody(boundary: boundary, using: &random)
            let cuts = (0..<Int.random(in: 0...12, using: &random)).map { _ in Int.random(in: 0...body.count, using: &random) }
                + (Bool.random(using: &random) ? Array(stride(from: 1, to: body.count, by: 1)) : [])
            let ours = try Self.parse(body, boundary: boundary, cuts: cuts)
            let theirs = try Self.reference(body, boundary: boundary, cuts: cuts)
            #expect(ours.complete)
            #expect(ours.parts.count == expected.count)
            for (part, want) in zip(ours.parts, expected) {
                #expect(part.headers == want.headers)
                #expect(part.body == want.body)
            }
            // MultipartKit reports no completeness; its parts must be ours.
            #expect(Parts(parts: ours.parts, complete: true) == Parts(parts: theirs.parts, complete: true))
        }
    }

    @Test("a body opening with CRLF, transport padding after a boundary, and nothing after the close")
    func variants() throws {
        let opening = Array("\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--".utf8)
        let padded = Array("--b \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--".utf8)
        for body in [opening, padded] {
            let parts = try Self.parse(body, boundary: "b", cuts: [])
            #expect(parts.complete)
            #expect(parts.parts.map(\.body) == [Array("x".utf8)])
        }
        // Unfinished: in a part, in its headers, and nothing but a preamble.
        var inPart = MultipartStream(boundary: "b")
        inPart.append(ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nxyz\r\n--"))
        while try inPart.next() != nil {}
        #expect(inPart.isInsidePart && !inPart.isComplete)
        var preamble = MultipartStream(boundary: "b")
        preamble.append(ByteBuffer(string: "no boundary here"))
        while try preamble.next() != nil {}
        #expect(!preamble.isInsidePart && !preamble.isComplete)
    }

    @Test("malformed framing and headers are refused with a reason", arguments: [
        ("--b-\r\n", "one hyphen"),
        ("--bX\r\n", "text on its line"),
        ("--b\r\nContent-Disposition form-data\r\n\r\n", "no name"),
        ("--b\r\nBad Name: x\r\n\r\n", "token"),
        ("--b\r\nX-A: a\u{1}b\r\n\r\n", "control character"),
        ("--b\r\nX-A: a\rb\r\n\r\n", "control character"),
        ("--b\r\nX-A: a\nX-B: b\r\n\r\n", "CRLF"),
        ("--b\r\nX-A: " + String(repeating: "a", count: 9_000) + "\r\n\r\n", "too long"),
        ("--b\r\nX-A: " + String(repeating: "a", count: 9_000), "too long"),
    ])
    func malformed(body: String, reason: String) {
        for cuts in [[], Array(stride(from: 1, to: body.utf8.count, by: 1))] {
            do {
                _ = try Self.parse(Array(body.utf8), boundary: "b", cuts: cuts)
                Issue.record("accepted: \(body.prefix(60))")
            } catch let error as MultipartStream.Malformed {
                #expect(error.reason.contains(reason), "\(error.reason)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("content arrives in runs as long as the chunks, not between two carriage returns")
    func slices() throws {
        let content = [UInt8](repeating: 0x41, count: 100_000)
        var stream = MultipartStream(boundary: "b")
        stream.append(ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"))
        guard case .headers = try stream.next() else { Issue.record("no headers"); return }
        stream.append(ByteBuffer(bytes: content))
        // All but the bytes that could begin a delimiter arrive in one event.
        guard case .body(let bytes) = try stream.next() else { Issue.record("no body"); return }
        #expect(bytes.readableBytes == content.count)
    }
}
