/// Fictional QR texts in every form `CCCDQRCode` accepts or refuses by name (docs/design.md §9.5); the
/// unit tests (Tests/CCCDTests/QRCodeTests.swift) read the same forms.
enum QRSamples {
    static let seven = "001099012345|012345678|Nguyễn Văn An|15031999|Nữ|Hà Nội|20052024"
    static let all: [(String, String)] = [
        ("bom-crlf", "\u{FEFF}" + seven + "\r\n"),
        ("zero-width", "\u{200B}001099012345\u{200D}|012345678|Nguyễn Văn An|15031999|Nữ|Hà Nội|20052024\u{2060}\n"),
        ("six-fields", "001099012345|Nguyễn Văn An|15/03/1999|Nữ|Hà Nội|20/05/2024"),
        ("id-only", "001099012345"),
        ("unknown-layout", "001099012345|X1|2024|Nguyễn Văn An"),
        (
            "bhyt",
            "HS4010120878811|4e677579e1bb856e2056c4836e20416e|15/03/1999|2|"
                + "53e1bb912031205472e1baa76e205068c3ba2c20426120c490c3ac6e682c2048c3a0204ee1bb9969|"
                + "01 - 001|01/01/2024|31/12/2024|01/01/2024|0100123456|-|4|01/01/2024|5f3c9a1e|-|$"
        ),
    ]
}
