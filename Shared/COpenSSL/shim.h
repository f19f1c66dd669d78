// OpenSSL 3's libcrypto, as installed by Debian's libssl-dev (3.0): SM3 (GB/T 32905) and SM2 (GB/T 32918) for the
// `sm2-sm3` evidence suite.
#ifndef JIEKUN_COPENSSL_SHIM_H
#define JIEKUN_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#endif
