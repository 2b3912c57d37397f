// The daemon's camera: V4L2 memory-mapped streaming capture (Linux media API, "Streaming I/O
// (Memory Mapping)"; linux/videodev2.h from linux-libc-dev). Why not libv4l2/libv4lconvert
// (libv4l-dev): their value over these dozen ioctls is converting formats, and converting MJPEG
// means decoding an untrusted JPEG inside the daemon, which the face check keeps in its
// sandboxed matcher; with conversion off (V4L2_DISABLE_CONVERSION) libv4l2 only forwards the
// same ioctls, and loads its plugins into the daemon. So the kernel interface, directly: every
// call bounded (non-blocking fd, poll with a timeout), every size checked before use.
#define _GNU_SOURCE
#include "CV4L2.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CV4L2_BUFFERS 4

struct cv4l2_camera {
    int fd;
    uint32_t count;
    void *start[CV4L2_BUFFERS];
    size_t length[CV4L2_BUFFERS];
    int streaming;
};

static void say(char *error, size_t error_length, const char *format, ...) {
    if (error == NULL || error_length == 0) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, error_length, format, arguments);
    va_end(arguments);
}

static int xioctl(int fd, unsigned long request, void *argument) {
    int r;
    do {
        r = ioctl(fd, request, argument);
    } while (r == -1 && errno == EINTR);
    return r;
}

static void volatile_zero(void *bytes, size_t length) {
    volatile unsigned char *p = bytes;
    while (length--) *p++ = 0;
}

void cv4l2_close(cv4l2_camera *c) {
    if (c == NULL) return;
    if (c->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(c->fd, VIDIOC_STREAMOFF, &type);
    }
    for (uint32_t i = 0; i < c->count; ++i) {
        if (c->start[i] != NULL && c->start[i] != MAP_FAILED) {
            volatile_zero(c->start[i], c->length[i]);
            munmap(c->start[i], c->length[i]);
        }
    }
    if (c->count > 0) {
        struct v4l2_requestbuffers none = {.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
        xioctl(c->fd, VIDIOC_REQBUFS, &none);
    }
    if (c->fd >= 0) close(c->fd);
    free(c);
}

static cv4l2_status open_failure(int e) {
    if (e == ENOENT || e == ENODEV || e == ENXIO) return CV4L2_MISSING;
    if (e == EACCES || e == EPERM) return CV4L2_DENIED;
    return CV4L2_FAILED;
}

cv4l2_status cv4l2_open(const char *path, uint32_t width, uint32_t height, size_t max_frame_bytes,
                        cv4l2_camera **camera, cv4l2_format *format, char *error, size_t error_length) {
    *camera = NULL;
    memset(format, 0, sizeof *format);
    cv4l2_camera *c = calloc(1, sizeof *c);
    if (c == NULL) {
        say(error, error_length, "out of memory");
        return CV4L2_FAILED;
    }
    c->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (c->fd < 0) {
        int e = errno;
        say(error, error_length, "cannot open %s: %s", path, strerror(e));
        free(c);
        return open_failure(e);
    }
    struct v4l2_capability capability;
    memset(&capability, 0, sizeof capability);
    if (xioctl(c->fd, VIDIOC_QUERYCAP, &capability) == -1) {
        int e = errno;
        say(error, error_length, "%s is not a V4L2 device (%s)", path, strerror(e));
        cv4l2_close(c);
        return e == ENODEV || e == ENXIO ? CV4L2_MISSING : CV4L2_NOT_A_CAMERA;
    }
    uint32_t caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) ? capability.device_caps : capability.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        say(error, error_length, "%s is not a video capture device with streaming I/O", path);
        cv4l2_close(c);
        return CV4L2_NOT_A_CAMERA;
    }
    // YUYV first (no decoder needed at all), MJPEG when the camera offers nothing else at this size.
    const uint32_t wanted[] = {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG};
    struct v4l2_format f;
    int agreed = 0;
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0] && !agreed; ++i) {
        memset(&f, 0, sizeof f);
        f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        f.fmt.pix.width = width;
        f.fmt.pix.height = height;
        f.fmt.pix.pixelformat = wanted[i];
        f.fmt.pix.field = V4L2_FIELD_NONE;
        if (xioctl(c->fd, VIDIOC_S_FMT, &f) == -1) continue;
        agreed = f.fmt.pix.pixelformat == wanted[i];
    }
    if (!agreed) {
        say(error, error_length, "%s offers neither YUYV nor MJPEG", path);
        cv4l2_close(c);
        return CV4L2_UNSUPPORTED;
    }
    uint64_t pixels = (uint64_t)f.fmt.pix.width * f.fmt.pix.height;
    if (f.fmt.pix.width == 0 || f.fmt.pix.height == 0 || f.fmt.pix.sizeimage == 0 ||
        f.fmt.pix.sizeimage > max_frame_bytes || pixels * 2 > max_frame_bytes ||
        (f.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV && (uint64_t)f.fmt.pix.bytesperline * f.fmt.pix.height > max_frame_bytes)) {
        say(error, error_length, "%s gives %ux%u frames of %u bytes, over the limit of %zu bytes", path,
            f.fmt.pix.width, f.fmt.pix.height, f.fmt.pix.sizeimage, max_frame_bytes);
        cv4l2_close(c);
        return CV4L2_UNSUPPORTED;
    }
    format->width = f.fmt.pix.width;
    format->height = f.fmt.pix.height;
    format->pixel_format = f.fmt.pix.pixelformat;
    format->bytes_per_line = f.fmt.pix.bytesperline;
    format->size_image = f.fmt.pix.sizeimage;

    struct v4l2_requestbuffers request = {.count = CV4L2_BUFFERS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                          .memory = V4L2_MEMORY_MMAP};
    if (xioctl(c->fd, VIDIOC_REQBUFS, &request) == -1 || request.count < 2) {
        say(error, error_length, "%s cannot map capture buffers (%s)", path, strerror(errno));
        cv4l2_close(c);
        return CV4L2_NOT_A_CAMERA;
    }
    c->count = request.count > CV4L2_BUFFERS ? CV4L2_BUFFERS : request.count;
    for (uint32_t i = 0; i < c->count; ++i) {
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i};
        if (xioctl(c->fd, VIDIOC_QUERYBUF, &b) == -1 || b.length == 0 || b.length > max_frame_bytes * 2) {
            say(error, error_length, "%s: capture buffer %u unusable", path, i);
            cv4l2_close(c);
            return CV4L2_FAILED;
        }
        c->length[i] = b.length;
        c->start[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, b.m.offset);
        if (c->start[i] == MAP_FAILED) {
            say(error, error_length, "%s: cannot map buffer %u (%s)", path, i, strerror(errno));
            c->start[i] = NULL;
            cv4l2_close(c);
            return CV4L2_FAILED;
        }
        if (xioctl(c->fd, VIDIOC_QBUF, &b) == -1) {
            say(error, error_length, "%s: cannot queue buffer %u (%s)", path, i, strerror(errno));
            cv4l2_close(c);
            return CV4L2_FAILED;
        }
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(c->fd, VIDIOC_STREAMON, &type) == -1) {
        int e = errno;
        say(error, error_length, "%s cannot start streaming (%s)", path, strerror(e));
        cv4l2_close(c);
        return e == EBUSY ? CV4L2_FAILED : open_failure(e);
    }
    c->streaming = 1;
    *camera = c;
    return CV4L2_OK;
}

cv4l2_status cv4l2_next(cv4l2_camera *c, int timeout_ms, const uint8_t **bytes, size_t *length, uint32_t *index,
                        char *error, size_t error_length) {
    *bytes = NULL;
    *length = 0;
    int damaged = 0;
    for (;;) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            say(error, error_length, "the camera gave no frame in %d ms", timeout_ms);
            return CV4L2_TIMED_OUT;
        }
        if (ready < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL))) {
            say(error, error_length, "the camera stopped (unplugged?)");
            return CV4L2_FAILED;
        }
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(c->fd, VIDIOC_DQBUF, &b) == -1) {
            if (errno == EAGAIN) continue;
            say(error, error_length, "the camera stopped (%s)", strerror(errno));
            return errno == ENODEV ? CV4L2_MISSING : CV4L2_FAILED;
        }
        if (b.index >= c->count || b.bytesused == 0 || b.bytesused > c->length[b.index] ||
            (b.flags & V4L2_BUF_FLAG_ERROR)) {
            // A corrupted or empty frame: give it back and wait for the next.
            if (b.index < c->count) cv4l2_release(c, b.index);
            if (++damaged > 30) {
                say(error, error_length, "the camera gives only empty or damaged frames");
                return CV4L2_FAILED;
            }
            continue;
        }
        *bytes = c->start[b.index];
        *length = b.bytesused;
        *index = b.index;
        return CV4L2_OK;
    }
}

void cv4l2_release(cv4l2_camera *c, uint32_t index) {
    if (c == NULL || index >= c->count) return;
    struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = index};
    xioctl(c->fd, VIDIOC_QBUF, &b);
}
