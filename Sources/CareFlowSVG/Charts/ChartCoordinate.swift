/// Coordinates and lengths in the markup: always two decimals, so the same chart is the same
/// bytes (a cached page, a golden test) and no "1e-05" or "nan" ever reaches the SVG.
enum ChartCoordinate {
    static func format(_ value: Double) -> String {
        let finite = value.isFinite ? value : 0
        let text = ChartDecimal.format(finite, decimals: 2).replacingAll(",", with: "")
        return text == "-0.00" ? "0.00" : text
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
