import Foundation

extension InventoryShowCommand {
    /// What a technician reads instead of SQLite's "database disk image is malformed" (docs/troubleshooting.md).
    static func damagedAdvice(_ db: String) -> String {
        """
        Cơ sở dữ liệu thống kê sử dụng \(db) bị hỏng (thường do mất điện khi đang ghi). \
        Khi khởi động, cancuocd tự chuyển tệp hỏng sang bên cạnh (tên có thêm ".damaged-" và thời điểm), \
        cứu các sự kiện còn đọc được vào một tệp mới và tiếp tục đếm. Hãy chạy: sudo systemctl restart cancuocd, \
        rồi chạy lại cancuoc inventory. Không cần xóa gì; tệp hỏng được giữ lại.
        The usage database \(db) is damaged (usually a power cut during a write). \
        When it starts, cancuocd moves the damaged file aside (its name gains ".damaged-" and the time), \
        salvages the events that can still be read into a fresh file and goes on counting. Run: \
        sudo systemctl restart cancuocd, then cancuoc inventory again. Delete nothing; the damaged file is kept.
        """
    }
}
