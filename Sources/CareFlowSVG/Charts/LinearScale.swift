/// Maps a value on the y axis to a vertical position: `lower` to the plot's bottom, `upper` to
/// its top (SVG's y grows downwards).
struct LinearScale {
    let lower: Double
    let upper: Double
    let top: Double
    let bottom: Double

    func y(_ value: Double) -> Double {
        let span = upper - lower
        guard span > 0 else { return bottom }
        return bottom - (value - lower) / span * (bottom - top)
    }
}
