#ifndef CANCUOC_CLIBCRYPTO_SHIM_H
#define CANCUOC_CLIBCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/dh.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/ecdsa.h>

/* Wrappers for OpenSSL macros that Swift cannot import. Add more as needed. */
static inline int cancuoc_EVP_MD_CTX_size(const EVP_MD_CTX *ctx) { return EVP_MD_get_size(EVP_MD_CTX_get0_md(ctx)); }
static inline unsigned long cancuoc_ERR_get_error(void) { return ERR_get_error(); }
#endif
