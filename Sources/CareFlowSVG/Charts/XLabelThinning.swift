/// Which x labels are written: every `step`-th from the first, with `step` the smallest that
/// leaves each written label a gap to the next, so labels never overlap however narrow the
/// chart or long the range (30 daily labels at 390 px).
enum XLabelThinning {
    static let gap = 6.0

    static func step(widestLabel: Double, bandWidth: Double) -> Int {
        guard bandWidth > 0 else { return Int.max }
        let needed = (widestLabel + gap) / bandWidth
        return max(1, Int(needed.rounded(.up)))
    }
}
