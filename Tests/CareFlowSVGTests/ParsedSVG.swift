import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document read back with Foundation's XML parser: the tests inspect what a browser
/// would parse, not the text the renderer meant to write. Fails (nil) on malformed XML.
final class ParsedSVG: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// The class of the nearest enclosing element with one (a mark's group: "series s0").
        let groupClass: String?
        var text: String
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []

    static func parse(_ svg: String) -> ParsedSVG? {
        let document = ParsedSVG()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = document
        return parser.parse() ? document : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let group = stack.reversed().lazy.compactMap { self.elements[$0].attributes["class"] }.first
        elements.append(Element(name: elementName, attributes: attributes, groupClass: group, text: ""))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let open = stack.last { elements[open].text += string }
    }

    func all(_ name: String, class wanted: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (wanted == nil || $0.attributes["class"] == wanted) }
    }

    /// Texts of the group with class `group` ("x-axis", "y-axis", "legend").
    func texts(in group: String) -> [Element] {
        elements.filter { $0.name == "text" && $0.groupClass == group }
    }
}

extension ParsedSVG.Element {
    func number(_ attribute: String) -> Double {
        Double(attributes[attribute] ?? "") ?? .nan
    }
}
