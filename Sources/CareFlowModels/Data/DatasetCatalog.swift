/// The four public datasets of `Resources/datasets/README.md`, with the checksums published there.
public enum DatasetCatalog {
    public static let framingham = DatasetDescriptor(
        id: "framingham", file: "framingham.csv",
        sha256: "def05ef246f93025f0a76fe45b9b6146469eb504492f4a4eeaf1504cf2bff722", rows: 4240)

    public static let pima = DatasetDescriptor(
        id: "pima-diabetes", file: "pima-diabetes.csv",
        sha256: "bf81d06e0c0512662862248241ab46d7c29258c6ceaad32f3cab56b52a17fdab", rows: 768)

    public static let cleveland = DatasetDescriptor(
        id: "cleveland-heart", file: "cleveland-heart.csv",
        sha256: "c1a68b0099f13630967e05a357aa7f856bf0b784124f9ae4a01612d5378617a9", rows: 303)

    public static let diabetes130 = DatasetDescriptor(
        id: "diabetes-130", file: "diabetes-130/diabetic_data.csv.gz",
        sha256: "2d461a14714891bb630410e11bc839a7e6caa0f6cbda9edff3422973e2cdd587",
        inflatedSHA256: "da21942c25a10a51a8842907ab01a8530b06232616b17d317441d592a20c4359", rows: 101_766)

    public static let all = [framingham, pima, cleveland, diabetes130]
}
