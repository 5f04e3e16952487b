/// A width estimate for text, since the server cannot measure fonts: 0.6 em per character is
/// the width of a digit in the common sans-serif fonts and wider than most letters, so spacing
/// built on it errs towards room to spare.
enum ChartTextMetrics {
    static let fontSize = 11.0
    static let characterWidth = fontSize * 0.6

    static func width(of text: String) -> Double {
        Double(text.count) * characterWidth
    }
}
