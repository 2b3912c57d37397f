// The face matcher's C interface over dlib (docs/face-check.md). Only the sandboxed
// matcher process (cancuoc-face-matcher) links this; the base package never does.
#ifndef CFACEMATCHER_H
#define CFACEMATCHER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CFM_DESCRIPTOR_LENGTH 128
#define CFM_THUMBNAIL_SIDE 16

typedef struct cfm_matcher cfm_matcher;

/// What `cfm_analyze` answers.
typedef enum {
    CFM_OK = 0,
    CFM_UNDECODABLE = 1,      // not a JPEG, PNG or JPEG 2000 we can decode
    CFM_TOO_LARGE = 2,        // more pixels than allowed
    CFM_INTERNAL = 3,         // dlib or the allocator failed (out of memory included)
} cfm_status;

typedef struct {
    int32_t width, height;             // the decoded image
    int32_t face_count;                // faces found by the HOG detector (a second pass upsampled when none)
    int32_t face_left, face_top;       // the largest face, in image pixels
    int32_t face_width, face_height;
    float sharpness;                   // variance of the Laplacian of the largest face (grey levels²)
    int32_t has_descriptor;            // 1 when exactly one face was found
    float descriptor[CFM_DESCRIPTOR_LENGTH];   // dlib's ResNet face descriptor of that face
    uint8_t thumbnail[CFM_THUMBNAIL_SIDE * CFM_THUMBNAIL_SIDE];  // the whole image, grey, 16×16
} cfm_analysis;

/// Loads the 5-point shape predictor and the ResNet model from `models_dir`. NULL on failure,
/// with a sentence in `error`.
cfm_matcher *cfm_open(const char *models_dir, char *error, size_t error_length);
void cfm_close(cfm_matcher *matcher);

/// Decodes one image (JPEG, PNG, JPEG 2000 codestream or JP2) from memory and analyses it.
cfm_status cfm_analyze(cfm_matcher *matcher, const uint8_t *bytes, size_t length, int64_t max_pixels,
                       cfm_analysis *out);

/// The raw pixel formats of `cfm_analyze_raw`: V4L2 fourccs (linux/videodev2.h), the values of
/// FaceCheck's `RawFrameLayout.PixelFormat`.
#define CFM_PIXEL_YUYV 0x56595559u    // 'YUYV': packed 4:2:2
#define CFM_PIXEL_YUV420 0x32315559u  // 'YU12': planar 4:2:0, chroma planes rounded up
#define CFM_PIXEL_GREY 0x59455247u    // 'GREY'

/// Converts one raw camera frame (the daemon's camera) to RGB and analyses it as `cfm_analyze`
/// does. `length` must be exactly the frame's size for its format, else CFM_UNDECODABLE.
cfm_status cfm_analyze_raw(cfm_matcher *matcher, const uint8_t *bytes, size_t length, int32_t width, int32_t height,
                           uint32_t pixel_format, int64_t max_pixels, cfm_analysis *out);

/// Enters the sandbox: no new privileges, an address-space limit, and a seccomp allow list:
/// reading stdin, writing stdout and stderr, memory (never executable), and ending; sockets,
/// opening any file, exec and fork are refused.
/// 0 on success; otherwise -1 with a sentence in `error`.
int cfm_sandbox_enter(uint64_t address_space_limit, char *error, size_t error_length);

/// Zeroes `length` bytes in a way the compiler keeps.
void cfm_zero(void *bytes, size_t length);

#ifdef __cplusplus
}
#endif

#endif
