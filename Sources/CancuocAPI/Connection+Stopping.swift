extension Connection {
    /// The answer to a request that arrives while the daemon is stopping (an upgrade or a
    /// restart): -32000, to be retried on a new connection once this one closes.
    static let stopping = APIError(
        .serverBusy,
        message: "The card reader service is restarting (an update); reconnect and retry",
        messageVi: "Dịch vụ đọc thẻ đang khởi động lại (cập nhật), vui lòng kết nối lại và thử lại",
        detail: ["stopping": .bool(true)]
    )
}
