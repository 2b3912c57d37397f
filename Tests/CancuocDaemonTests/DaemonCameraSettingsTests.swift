import FaceCamera
import Foundation
import Testing

@testable import CancuocDaemon

/// `face.camera` in cancuocd.json (docs/operations.md, docs/face-check.md § The daemon's camera):
/// none by default, its defaults when a device is named, every range refused in English and
/// Vietnamese.
@Suite struct DaemonCameraSettingsTests {
    @Test func noCameraUnlessADeviceIsNamed() throws {
        let c = DaemonConfiguration()
        #expect(c.face.camera.device == nil)
        #expect(c.faceCameraSource() == nil)
        #expect(DaemonCore(configuration: c).faceDesk.camera == nil)
    }

    @Test func aDeviceAloneTakesTheDefaults() throws {
        let c = try DaemonConfiguration.parse(Data(#"{"face":{"camera":{"device":"/dev/video0"}}}"#.utf8))
        let source = try #require(c.faceCameraSource())
        #expect(source == CameraSource(path: "/dev/video0"))
        #expect(source.kind == .v4l2 && source.width == 640 && source.height == 480 && source.frames == 3)
        #expect(source.interval == .milliseconds(200) && source.frameTimeout == .seconds(2))
        #expect(DaemonCore(configuration: c).faceDesk.camera?.source == source)
    }

    @Test func aY4MPipeWithItsOwnNumbers() throws {
        let c = try DaemonConfiguration.parse(
            Data(
                #"""
                {"face":{"camera":{"device":"/run/cancuoc/camera.y4m","type":"y4m","frames":5,
                 "frameIntervalMilliseconds":0,"warmupMilliseconds":0,"frameTimeoutMilliseconds":100}}}
                """#.utf8
            )
        )
        #expect(
            c.faceCameraSource()
                == CameraSource(
                    path: "/run/cancuoc/camera.y4m",
                    kind: .y4m,
                    frames: 5,
                    interval: .zero,
                    warmup: .zero,
                    frameTimeout: .milliseconds(100)
                )
        )
    }

    @Test(arguments: [
        (#"{"face":{"camera":{"device":"video0"}}}"#, "face.camera.device must be an absolute path"),
        (#"{"face":{"camera":{"device":"video0"}}}"#, "phải một đường dẫn tuyệt đối"),
        (#"{"face":{"camera":{"type":"usb"}}}"#, #"face.camera.type must be "v4l2" (a camera) or "y4m""#),
        (#"{"face":{"camera":{"width":100}}}"#, "face.camera.width must be between 160 and 1920"),
        (#"{"face":{"camera":{"height":4000}}}"#, "phải từ 120 đến 1080"),
        (#"{"face":{"camera":{"frames":1}}}"#, "face.camera.frames must be between 2 and 5"),
        (#"{"face":{"camera":{"frames":6}}}"#, "face.camera.frames must be between 2 and 5"),
        (#"{"face":{"camera":{"frameIntervalMilliseconds":-1}}}"#, "frameIntervalMilliseconds must be between 0"),
        (#"{"face":{"camera":{"warmupMilliseconds":60000}}}"#, "warmupMilliseconds must be between 0 and 5000"),
        (#"{"face":{"camera":{"frameTimeoutMilliseconds":50}}}"#, "frameTimeoutMilliseconds must be between 100"),
        (#"{"face":{"camera":{"device":5}}}"#, "wrong type for face.camera.device"),
        (#"{"face":{"camera":{"fps":30}}}"#, "unknown settings: face.camera.fps"),
    ])
    func badCameraSettingsAreRefusedInEnglishAndVietnamese(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
