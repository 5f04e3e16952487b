/// Builds SVG text element by element. Every attribute value and every piece of text goes
/// through `SVGText.escape`, so no caller can forget it; attributes keep their given order, so
/// the output is deterministic.
struct ChartMarkup {
    private(set) var text = ""

    /// `<name a="…">` left open for children.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        text += "<" + name + Self.attributes(attributes) + ">\n"
    }

    mutating func close(_ name: String) {
        text += "</" + name + ">\n"
    }

    /// `<name a="…"/>`
    mutating func empty(_ name: String, _ attributes: [(String, String)]) {
        text += "<" + name + Self.attributes(attributes) + "/>\n"
    }

    /// `<name a="…">content</name>` with the content escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], content: String) {
        text += "<" + name + Self.attributes(attributes) + ">" + SVGText.escape(content) + "</" + name + ">\n"
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + SVGText.escape($0.1) + "\"" }.joined()
    }
}
