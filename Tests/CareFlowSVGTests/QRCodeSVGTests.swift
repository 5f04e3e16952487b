import CareFlowSVG
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct QRCodeSVGTests {
    static let otpauth = "otpauth://totp/CareFlow:admin%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=CareFlow&algorithm=SHA1&digits=6&period=30"

    /// Elements, attributes and title text of an SVG document, collected by XMLParser.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var title = ""
        private var inTitle = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            inTitle = name == "title"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "title" { inTitle = false }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inTitle { title += string }
        }
    }

    static func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        try #require(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return collector
    }

    @Test func wellFormedWithoutStyleAndWithTheLabelEscaped() throws {
        let label = #"Scan <me> & "enrol" Tom's"#
        let svg = try QRCode(Self.otpauth).svg(label: label)
        let document = try Self.parse(svg)
        #expect(document.elements.map(\.name) == ["svg", "title", "rect", "path"])
        let root = document.elements[0].attributes
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["role"] == "img")
        #expect(root["aria-label"] == label)
        #expect(document.title == label)
        #expect(svg.contains("&lt;me&gt; &amp; &quot;enrol&quot; Tom&#39;s"))
        #expect(!svg.contains("<me>"))
        #expect(!svg.lowercased().contains("style"), "the console's CSP forbids inline style")
        #expect(document.elements[2].attributes["fill"] == "#fff")
        #expect(document.elements[3].attributes["fill"] == "#000")
    }

    /// Size in CSS pixels from the module size, with the quiet zone; the viewBox in modules so
    /// the picture can scale down inside a 390 px phone layout.
    @Test func sizeAndViewBox() throws {
        let code = try QRCode(Self.otpauth)
        let side = code.size + 8
        let root = try Self.parse(code.svg(label: "QR")).elements[0].attributes
        #expect(root["viewBox"] == "0 0 \(side) \(side)")
        #expect(root["width"] == "\(side * 4)" && root["height"] == "\(side * 4)")
        #expect(side * 4 <= 390, "the enrolment QR code at the default size fits a phone screen")
        let large = try Self.parse(code.svg(moduleSize: 10, quietZone: 2, label: "QR")).elements[0].attributes
        #expect(large["viewBox"] == "0 0 \(code.size + 4) \(code.size + 4)")
        #expect(large["width"] == "\((code.size + 4) * 10)")
    }

    /// The path, read back as rectangles one module high, covers exactly the dark modules.
    @Test func pathDrawsExactlyTheDarkModules() throws {
        let code = try QRCode(Self.otpauth)
        let quiet = 4
        let d = try #require(try Self.parse(code.svg(quietZone: quiet, label: "QR")).elements.last?.attributes["d"])
        var drawn = Set<[Int]>()
        var segments = 0
        let pattern = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/
        for match in d.matches(of: pattern) {
            let x = Int(match.1)!, y = Int(match.2)!, width = Int(match.3)!
            #expect(Int(match.4)! == width)
            for column in x..<(x + width) { drawn.insert([column - quiet, y - quiet]) }
            segments += 1
        }
        #expect(d.replacing(pattern, with: "").isEmpty, "nothing but run rectangles in the path")
        var dark = Set<[Int]>()
        var runs = 0
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) {
                dark.insert([x, y])
                if !code.isDark(x: x - 1, y: y) { runs += 1 }
            }
        }
        #expect(drawn == dark)
        #expect(segments == runs, "horizontal runs merged into one rectangle each")
    }
}
