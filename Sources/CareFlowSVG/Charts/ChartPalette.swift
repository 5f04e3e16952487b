/// Series colours: the Okabe–Ito palette, told apart with the common colour-vision
/// deficiencies. Each mark also carries the class `s<index>`, so the console's stylesheet may
/// restyle them (dark mode) without inline style.
enum ChartPalette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    static func colour(at index: Int) -> String {
        colours[index % colours.count]
    }

    static let text = "#374151"
    static let grid = "#E5E7EB"
    static let axis = "#6B7280"
}
