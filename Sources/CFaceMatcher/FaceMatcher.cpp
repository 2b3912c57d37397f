// dlib behind a C interface (docs/face-check.md): HOG frontal face detector, 5-point shape predictor,
// ResNet face descriptor; JPEG and PNG through dlib's loaders, JPEG 2000 through OpenJPEG.
// Every exception stops here: the C side only sees a status.
#include "CFaceMatcher.h"

#include <dlib/dnn.h>
#include <dlib/image_loader/jpeg_loader.h>
#include <dlib/image_loader/png_loader.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <string>

using namespace dlib;

namespace {

// The network of dlib_face_recognition_resnet_model_v1.dat, as dlib's own example declares it
// (examples/dnn_face_recognition_ex.cpp): a ResNet-29 with 128 outputs.
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = loss_metric<fc_no_bias<
    128, avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<
             max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

// Frames larger than this are scaled down before detection (a webcam frame is 640×480; a
// phone photo can be 4000 px wide and would take seconds).
constexpr long kDetectionMaxSide = 1024;
// Below this size, a frame where no face is found is searched again upsampled once, so that a
// small face is reported as small rather than absent.
constexpr long kUpsampleMaxSide = 1024;

void set_error(char *error, size_t length, const std::string &text) {
    if (error == nullptr || length == 0) return;
    std::snprintf(error, length, "%s", text.c_str());
}

// --- JPEG 2000 from memory (OpenJPEG) ---------------------------------------------------

struct MemoryStream {
    const uint8_t *data;
    size_t length;
    size_t offset;
};

OPJ_SIZE_T stream_read(void *buffer, OPJ_SIZE_T count, void *user) {
    auto *s = static_cast<MemoryStream *>(user);
    if (s->offset >= s->length) return (OPJ_SIZE_T)-1;
    size_t n = std::min<size_t>(count, s->length - s->offset);
    std::memcpy(buffer, s->data + s->offset, n);
    s->offset += n;
    return n;
}
OPJ_OFF_T stream_skip(OPJ_OFF_T count, void *user) {
    auto *s = static_cast<MemoryStream *>(user);
    if (count < 0) return -1;
    size_t n = std::min<size_t>((size_t)count, s->length - s->offset);
    s->offset += n;
    return (OPJ_OFF_T)n;
}
OPJ_BOOL stream_seek(OPJ_OFF_T position, void *user) {
    auto *s = static_cast<MemoryStream *>(user);
    if (position < 0 || (size_t)position > s->length) return OPJ_FALSE;
    s->offset = (size_t)position;
    return OPJ_TRUE;
}
void quiet(const char *, void *) {}

bool load_jpeg2000(array2d<rgb_pixel> &image, const uint8_t *bytes, size_t length, int64_t max_pixels) {
    static const uint8_t jp2_magic[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
    OPJ_CODEC_FORMAT format = (length >= 8 && std::memcmp(bytes, jp2_magic, 8) == 0) ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K;
    opj_codec_t *codec = opj_create_decompress(format);
    if (codec == nullptr) return false;
    opj_set_info_handler(codec, quiet, nullptr);
    opj_set_warning_handler(codec, quiet, nullptr);
    opj_set_error_handler(codec, quiet, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    MemoryStream memory{bytes, length, 0};
    opj_stream_t *stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    opj_stream_set_user_data(stream, &memory, nullptr);
    opj_stream_set_user_data_length(stream, length);
    opj_stream_set_read_function(stream, stream_read);
    opj_stream_set_skip_function(stream, stream_skip);
    opj_stream_set_seek_function(stream, stream_seek);
    opj_image_t *decoded = nullptr;
    bool ok = opj_setup_decoder(codec, &parameters) && opj_read_header(stream, codec, &decoded);
    if (ok) {
        int64_t w = (int64_t)decoded->x1 - decoded->x0, h = (int64_t)decoded->y1 - decoded->y0;
        ok = w > 0 && h > 0 && w * h <= max_pixels && decoded->numcomps >= 1;
    }
    ok = ok && opj_decode(codec, stream, decoded) && opj_end_decompress(codec, stream);
    if (ok) {
        const opj_image_comp_t *c = decoded->comps;
        long w = c[0].w, h = c[0].h;
        bool colour = decoded->numcomps >= 3 && c[1].w == c[0].w && c[2].w == c[0].w && c[1].h == c[0].h &&
                      c[2].h == c[0].h;
        image.set_size(h, w);
        auto level = [&](int k, long i) -> unsigned char {
            int v = c[k].data[i];
            if (c[k].sgnd) v += 1 << (c[k].prec - 1);
            if (c[k].prec > 8) v >>= (c[k].prec - 8);
            else if (c[k].prec < 8) v <<= (8 - c[k].prec);
            return (unsigned char)std::clamp(v, 0, 255);
        };
        for (long y = 0; y < h; ++y)
            for (long x = 0; x < w; ++x) {
                long i = y * w + x;
                unsigned char r = level(0, i);
                image[y][x] = colour ? rgb_pixel(r, level(1, i), level(2, i)) : rgb_pixel(r, r, r);
            }
    }
    if (decoded != nullptr) opj_image_destroy(decoded);
    opj_stream_destroy(stream);
    opj_destroy_codec(codec);
    return ok;
}

enum class ImageKind { jpeg, png, jpeg2000, unknown };

ImageKind sniff(const uint8_t *b, size_t n) {
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageKind::jpeg;
    if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageKind::png;
    if (n >= 12 && std::memcmp(b, "\x00\x00\x00\x0CjP  \r\n\x87\n", 12) == 0) return ImageKind::jpeg2000;
    if (n >= 4 && b[0] == 0xFF && b[1] == 0x4F && b[2] == 0xFF && b[3] == 0x51) return ImageKind::jpeg2000;
    return ImageKind::unknown;
}

// The image size from a JPEG's SOF or a PNG's IHDR, before decoding, so that a huge image is
// refused without allocating it.
bool declared_size(ImageKind kind, const uint8_t *b, size_t n, int64_t &pixels) {
    if (kind == ImageKind::png) {
        if (n < 24) return false;
        uint32_t w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
        uint32_t h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
        pixels = (int64_t)w * h;
        return true;
    }
    if (kind == ImageKind::jpeg) {
        size_t i = 2;
        while (i + 9 < n) {
            if (b[i] != 0xFF) return false;
            uint8_t marker = b[i + 1];
            if (marker == 0xFF) { ++i; continue; }
            size_t segment = (size_t)b[i + 2] << 8 | b[i + 3];
            bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                uint32_t h = (uint32_t)b[i + 5] << 8 | b[i + 6];
                uint32_t w = (uint32_t)b[i + 7] << 8 | b[i + 8];
                pixels = (int64_t)w * h;
                return true;
            }
            if (segment < 2) return false;
            i += 2 + segment;
        }
        return false;
    }
    return false;
}

double laplacian_variance(const array2d<unsigned char> &grey, const rectangle &box) {
    rectangle r = box.intersect(get_rect(grey));
    if (r.width() < 3 || r.height() < 3) return 0;
    double sum = 0, sum2 = 0;
    long count = 0;
    for (long y = r.top() + 1; y < r.bottom(); ++y)
        for (long x = r.left() + 1; x < r.right(); ++x) {
            double v = 4.0 * grey[y][x] - grey[y - 1][x] - grey[y + 1][x] - grey[y][x - 1] - grey[y][x + 1];
            sum += v;
            sum2 += v * v;
            ++count;
        }
    if (count == 0) return 0;
    double mean = sum / count;
    return sum2 / count - mean * mean;
}

}  // namespace

struct cfm_matcher {
    frontal_face_detector detector;
    shape_predictor landmarks;
    anet_type net;
};

extern "C" cfm_matcher *cfm_open(const char *models_dir, char *error, size_t error_length) {
    std::string dir = models_dir != nullptr ? models_dir : "";
    auto *m = new (std::nothrow) cfm_matcher;
    if (m == nullptr) {
        set_error(error, error_length, "out of memory");
        return nullptr;
    }
    try {
        m->detector = get_frontal_face_detector();
        deserialize(dir + "/shape_predictor_5_face_landmarks.dat") >> m->landmarks;
        deserialize(dir + "/dlib_face_recognition_resnet_model_v1.dat") >> m->net;
    } catch (const std::exception &e) {
        set_error(error, error_length, std::string("cannot load the face models from ") + dir + ": " + e.what());
        delete m;
        return nullptr;
    }
    return m;
}

extern "C" void cfm_close(cfm_matcher *matcher) { delete matcher; }

// Everything after decoding, for an encoded image and a raw camera frame alike. Zeroes `image`.
static cfm_status analyse_decoded(cfm_matcher *m, array2d<rgb_pixel> &image, int64_t max_pixels, cfm_analysis *out) {
    array2d<unsigned char> grey, small;
    // The decoded pixels are personal data: zeroed before they are freed, on every way out.
    struct Zeroing {
        array2d<rgb_pixel> &image;
        array2d<unsigned char> &grey, &small;
        ~Zeroing() {
            if (image.size() > 0) cfm_zero(&image[0][0], image.size() * sizeof(rgb_pixel));
            if (grey.size() > 0) cfm_zero(&grey[0][0], grey.size());
            if (small.size() > 0) cfm_zero(&small[0][0], small.size());
        }
    } zeroing{image, grey, small};
    if (image.size() == 0) return CFM_UNDECODABLE;
    if ((int64_t)image.size() > max_pixels) return CFM_TOO_LARGE;
    out->width = (int32_t)image.nc();
    out->height = (int32_t)image.nr();

    assign_image(grey, image);
    array2d<unsigned char> thumb(CFM_THUMBNAIL_SIDE, CFM_THUMBNAIL_SIDE);
    resize_image(grey, thumb, interpolate_bilinear());
    for (long y = 0; y < CFM_THUMBNAIL_SIDE; ++y)
        for (long x = 0; x < CFM_THUMBNAIL_SIDE; ++x) out->thumbnail[y * CFM_THUMBNAIL_SIDE + x] = thumb[y][x];

    // Detection on a copy no larger than kDetectionMaxSide; boxes scaled back.
    long side = std::max(image.nr(), image.nc());
    double scale = side > kDetectionMaxSide ? (double)kDetectionMaxSide / side : 1.0;
    if (scale < 1.0) {
        small.set_size(std::lround(grey.nr() * scale), std::lround(grey.nc() * scale));
        resize_image(grey, small, interpolate_bilinear());
    } else {
        assign_image(small, grey);
    }
    std::vector<rectangle> faces = m->detector(small);
    double factor = 1.0 / scale;
    if (faces.empty() && side <= kUpsampleMaxSide) {
        pyramid_up(small);
        faces = m->detector(small);
        factor = 0.5;
    }
    for (auto &f : faces)
        f = rectangle(std::lround(f.left() * factor), std::lround(f.top() * factor),
                      std::lround(f.right() * factor), std::lround(f.bottom() * factor));
    out->face_count = (int32_t)faces.size();
    if (faces.empty()) return CFM_OK;
    auto largest = *std::max_element(faces.begin(), faces.end(),
                                     [](const rectangle &a, const rectangle &b) { return a.area() < b.area(); });
    out->face_left = (int32_t)largest.left();
    out->face_top = (int32_t)largest.top();
    out->face_width = (int32_t)largest.width();
    out->face_height = (int32_t)largest.height();
    out->sharpness = (float)laplacian_variance(grey, largest);
    if (faces.size() == 1) {
        full_object_detection shape = m->landmarks(image, largest);
        matrix<rgb_pixel> chip;
        extract_image_chip(image, get_face_chip_details(shape, 150, 0.25), chip);
        matrix<float, 0, 1> descriptor = m->net(chip);
        for (long i = 0; i < CFM_DESCRIPTOR_LENGTH && i < descriptor.size(); ++i) out->descriptor[i] = descriptor(i);
        out->has_descriptor = 1;
        cfm_zero(&chip(0, 0), chip.size() * sizeof(rgb_pixel));
    }
    return CFM_OK;
}

extern "C" cfm_status cfm_analyze(cfm_matcher *m, const uint8_t *bytes, size_t length, int64_t max_pixels,
                                  cfm_analysis *out) {
    std::memset(out, 0, sizeof *out);
    if (m == nullptr || bytes == nullptr) return CFM_INTERNAL;
    try {
        ImageKind kind = sniff(bytes, length);
        if (kind == ImageKind::unknown) return CFM_UNDECODABLE;
        int64_t pixels = 0;
        if (declared_size(kind, bytes, length, pixels) && pixels > max_pixels) return CFM_TOO_LARGE;
        array2d<rgb_pixel> image;
        switch (kind) {
            case ImageKind::jpeg: load_jpeg(image, bytes, length); break;
            case ImageKind::png: load_png(image, bytes, length); break;
            case ImageKind::jpeg2000:
                if (!load_jpeg2000(image, bytes, length, max_pixels)) return CFM_UNDECODABLE;
                break;
            case ImageKind::unknown: return CFM_UNDECODABLE;
        }
        return analyse_decoded(m, image, max_pixels, out);
    } catch (const image_load_error &) {
        return CFM_UNDECODABLE;
    } catch (const std::bad_alloc &) {
        return CFM_INTERNAL;
    } catch (const std::exception &) {
        return CFM_INTERNAL;
    }
}

// A raw camera frame (the daemon's camera, MatcherProtocol kind 2) to RGB: ITU-R BT.601 with
// limited range (16–235), what UVC webcams and ffmpeg's yuv420p give; plain arithmetic on bytes
// whose count the caller checked, no decoder.
static inline unsigned char clamp_byte(int v) { return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v); }
static inline rgb_pixel from_yuv(int y, int u, int v) {
    int c = 298 * (y - 16), d = u - 128, e = v - 128;
    return rgb_pixel(clamp_byte((c + 409 * e + 128) >> 8), clamp_byte((c - 100 * d - 208 * e + 128) >> 8),
                     clamp_byte((c + 516 * d + 128) >> 8));
}

extern "C" cfm_status cfm_analyze_raw(cfm_matcher *m, const uint8_t *bytes, size_t length, int32_t width,
                                      int32_t height, uint32_t pixel_format, int64_t max_pixels, cfm_analysis *out) {
    std::memset(out, 0, sizeof *out);
    if (m == nullptr || bytes == nullptr || width <= 0 || height <= 0) return CFM_UNDECODABLE;
    if ((int64_t)width * height > max_pixels) return CFM_TOO_LARGE;
    size_t w = (size_t)width, h = (size_t)height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    try {
        array2d<rgb_pixel> image(height, width);
        switch (pixel_format) {
            case CFM_PIXEL_YUYV: {
                if (length != cw * 4 * h) return CFM_UNDECODABLE;
                for (size_t y = 0; y < h; ++y) {
                    const uint8_t *row = bytes + y * cw * 4;
                    for (size_t x = 0; x < w; ++x) {
                        const uint8_t *pair = row + (x / 2) * 4;
                        image[y][x] = from_yuv(pair[(x % 2) * 2], pair[1], pair[3]);
                    }
                }
                break;
            }
            case CFM_PIXEL_YUV420: {
                if (length != w * h + 2 * cw * ch) return CFM_UNDECODABLE;
                const uint8_t *u = bytes + w * h, *v = u + cw * ch;
                for (size_t y = 0; y < h; ++y)
                    for (size_t x = 0; x < w; ++x)
                        image[y][x] = from_yuv(bytes[y * w + x], u[(y / 2) * cw + x / 2], v[(y / 2) * cw + x / 2]);
                break;
            }
            case CFM_PIXEL_GREY: {
                if (length != w * h) return CFM_UNDECODABLE;
                for (size_t y = 0; y < h; ++y)
                    for (size_t x = 0; x < w; ++x) {
                        unsigned char g = clamp_byte((298 * (bytes[y * w + x] - 16) + 128) >> 8);
                        image[y][x] = rgb_pixel(g, g, g);
                    }
                break;
            }
            default: return CFM_UNDECODABLE;
        }
        return analyse_decoded(m, image, max_pixels, out);
    } catch (const std::bad_alloc &) {
        return CFM_INTERNAL;
    } catch (const std::exception &) {
        return CFM_INTERNAL;
    }
}

extern "C" void cfm_zero(void *bytes, size_t length) {
    if (bytes == nullptr || length == 0) return;
    volatile unsigned char *p = static_cast<volatile unsigned char *>(bytes);
    while (length--) *p++ = 0;
}
