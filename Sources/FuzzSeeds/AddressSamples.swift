/// Seeds of the `address` fuzz target (docs/address.md): addresses as cards, QR scanners and people
/// print them; a first line of 10 characters is the date of issue.
enum AddressSamples {
    static let all: [(name: String, text: String)] = [
        ("quang-an-2021", "2021-05-10\nSố 18 ngõ 52 Tô Ngọc Vân, Quảng An, Tây Hồ, Hà Nội"),
        ("truc-bach-abbrev", "P. Trúc Bạch, Q. Ba Đình, TP. Hà Nội"),
        ("phuong-1-q3", "2024-03-01\nPhường 1, Quận 3, TP.HCM"),
        ("qr-doubled-comma-hamlet", "Thôn 3 Xã Ea Kao,, TP. Buôn Ma Thuột, Đắk Lắk"),
        ("current-two-levels", "2025-09-01\nTổ 5, Phường Lào Cai, Lào Cai"),
        ("folded", "Dong Xuan, Hoan Kiem, Ha Noi"),
        ("decomposed", "Phu\u{031B}\u{0300}o\u{031B}ng Qua\u{0309}ng An, Tây Hồ, Hà Nội, Việt Nam"),
        ("abroad", "Paris, Pháp"),
        ("island-district", "Huyện Côn Đảo, Bà Rịa - Vũng Tàu"),
    ]
}
