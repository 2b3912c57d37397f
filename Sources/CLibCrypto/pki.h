#ifndef CANCUOC_CLIBCRYPTO_PKI_H
#define CANCUOC_CLIBCRYPTO_PKI_H
/* Wrappers for the OpenSSL macros that passive authentication and the test PKI need
 * (X.509, CMS, CRL). Owned by the PKI code; the crypto facade's wrappers live in shim.h. */
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

static inline int cancuoc_pki_sk_num(const void *sk) { return OPENSSL_sk_num((const OPENSSL_STACK *)sk); }
static inline void *cancuoc_pki_sk_value(const void *sk, int i) { return OPENSSL_sk_value((const OPENSSL_STACK *)sk, i); }
static inline void cancuoc_pki_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }
static inline STACK_OF(X509) *cancuoc_pki_sk_X509_new(void) { return sk_X509_new_null(); }
static inline int cancuoc_pki_sk_X509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline long cancuoc_pki_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline unsigned long cancuoc_pki_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }
static inline unsigned long cancuoc_pki_ERR_get_error(void) { return ERR_get_error(); }
static inline void cancuoc_pki_ERR_clear(void) { ERR_clear_error(); }
static inline int cancuoc_pki_MBSTRING_UTF8(void) { return MBSTRING_UTF8; }
/* The signing time attribute's value as an ASN1_TIME, or NULL. */
static inline const ASN1_TIME *cancuoc_pki_attr_time(X509_ATTRIBUTE *attr) {
    ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, 0);
    if (t == NULL) return NULL;
    if (t->type == V_ASN1_UTCTIME) return t->value.utctime;
    if (t->type == V_ASN1_GENERALIZEDTIME) return t->value.generalizedtime;
    return NULL;
}
#endif
