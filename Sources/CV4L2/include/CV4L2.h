// The daemon's camera over the kernel's V4L2 interface (docs/face-check.md § The daemon's camera).
// Capture only: the frames leave as the camera gives them (YUYV bytes or MJPEG), and only the
// sandboxed matcher decodes them. No library: libv4l2's value is format conversion, which would
// decode MJPEG inside the daemon (see the note in V4L2Capture.c).
#ifndef CV4L2_H
#define CV4L2_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cv4l2_camera cv4l2_camera;

/// Why a call failed; `error` holds the technician's sentence.
typedef enum {
    CV4L2_OK = 0,
    CV4L2_MISSING = 1,          // no such device (unplugged)
    CV4L2_DENIED = 2,           // permission (the service's camera drop-in is not installed)
    CV4L2_NOT_A_CAMERA = 3,     // not a V4L2 video capture device with streaming
    CV4L2_UNSUPPORTED = 4,      // neither YUYV nor MJPEG, or a size over the limit
    CV4L2_TIMED_OUT = 5,        // no frame in time
    CV4L2_FAILED = 6,           // an ioctl or mmap failed (the device vanished mid-capture)
} cv4l2_status;

/// The format the camera agreed to.
typedef struct {
    uint32_t width, height;
    uint32_t pixel_format;      // V4L2_PIX_FMT_YUYV or V4L2_PIX_FMT_MJPEG
    uint32_t bytes_per_line;
    uint32_t size_image;        // the largest frame the driver will give
} cv4l2_format;

/// Opens `path`, asks for `width`×`height` YUYV (else MJPEG), maps 4 buffers and starts
/// streaming. A frame larger than `max_frame_bytes` is refused.
cv4l2_status cv4l2_open(const char *path, uint32_t width, uint32_t height, size_t max_frame_bytes,
                        cv4l2_camera **camera, cv4l2_format *format, char *error, size_t error_length);

/// Waits at most `timeout_ms` for the next frame; on success `bytes`/`length` point into the
/// mapped buffer until `cv4l2_release` is called with `index`.
cv4l2_status cv4l2_next(cv4l2_camera *camera, int timeout_ms, const uint8_t **bytes, size_t *length,
                        uint32_t *index, char *error, size_t error_length);

/// Gives the buffer back to the driver.
void cv4l2_release(cv4l2_camera *camera, uint32_t index);

/// Stops streaming, zeroes and unmaps the buffers (they held faces), closes the device.
void cv4l2_close(cv4l2_camera *camera);

#ifdef __cplusplus
}
#endif

#endif
