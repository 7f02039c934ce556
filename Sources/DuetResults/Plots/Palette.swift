/// Okabe and Ito's colour-blind-safe palette ("Color Universal Design", 2008), ordered for lines on white:
/// yellow, the lightest, comes last.
public enum Palette {
    /// (name, hex colour) in the order series take them.
    public static let okabeIto: [(name: String, hex: String)] = [
        ("blue", "#0072B2"),
        ("vermillion", "#D55E00"),
        ("bluish green", "#009E73"),
        ("orange", "#E69F00"),
        ("reddish purple", "#CC79A7"),
        ("sky blue", "#56B4E9"),
        ("black", "#000000"),
        ("yellow", "#F0E442"),
    ]

    /// The colour of series `index`, cycling through the palette.
    public static func colour(_ index: Int) -> String { okabeIto[index % okabeIto.count].hex }
}
