/// An encoded image of a face (a camera frame, a photo file, the chip portrait) held in memory
/// the face check owns, and zeroed when the last reference goes (docs/face-check.md: frames and the
/// portrait live in memory only and are zeroed after the check). Copies are never made: the
/// matcher client writes straight from this memory to the matcher's socket.
public final class FaceCheckImage: @unchecked Sendable {
    // Written once in init, read-only afterwards, zeroed in deinit: safe to share.
    let storage: UnsafeMutableRawBufferPointer

    public init(copying bytes: some Collection<UInt8>) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        _ = storage.initializeMemory(as: UInt8.self, from: bytes)
        count = bytes.count
        layout = nil
    }

    /// An uncompressed camera frame: `bytes` laid out as `layout` says (their count must be
    /// `layout.byteCount`; the matcher refuses anything else).
    public init(copying bytes: UnsafeRawBufferPointer, layout: RawFrameLayout) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if let base = bytes.baseAddress, bytes.count > 0 {
            storage.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
        }
        count = bytes.count
        self.layout = layout
    }

    public let count: Int
    /// nil for an encoded image (JPEG, PNG, JPEG 2000); the layout of a raw camera frame.
    public let layout: RawFrameLayout?

    package func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    deinit {
        // Through a volatile-like loop the optimiser cannot drop: memset_explicit is not in
        // glibc 2.36, and the bytes are about to be freed.
        storage.withMemoryRebound(to: UInt8.self) { bytes in
            for i in bytes.indices { bytes[i] = 0 }
        }
        withExtendedLifetime(storage) {}
        storage.deallocate()
    }
}
