/// The x axis: one equal band per label. Lines put their points at the band's centre and bars
/// fill the middle of the band, so both kinds of chart line up under the same labels.
struct BandScale {
    let count: Int
    let left: Double
    let width: Double

    var bandWidth: Double { width / Double(max(1, count)) }

    func start(_ index: Int) -> Double { left + Double(index) * bandWidth }

    func centre(_ index: Int) -> Double { start(index) + bandWidth / 2 }
}
