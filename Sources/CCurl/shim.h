#ifndef CAREFLOW_CCURL_SHIM_H
#define CAREFLOW_CCURL_SHIM_H

// Without the development headers the build must stop here, saying what to install, rather
// than fail later with an unrelated "no such module".
#if !__has_include(<curl/curl.h>)
#error "libcurl headers not found: the SMTP adapter (Plugins/SMTP) needs them. Install libcurl4-openssl-dev (Debian/Ubuntu: apt-get install libcurl4-openssl-dev) or libcurl-devel (Fedora/RHEL)."
#else
#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call. These typed wrappers pass each
// argument with the exact C type libcurl reads for that kind of option
// (long, char *, struct curl_slist *, void *, a callback), as curl's own typecheck does.

static inline CURLcode careflow_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode careflow_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode careflow_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode careflow_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode careflow_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_READFUNCTION: the message is uploaded through this callback.
static inline CURLcode careflow_curl_set_read_function(CURL *handle, curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

/// CURLOPT_HEADERFUNCTION: for SMTP, libcurl hands every server reply line to it.
static inline CURLcode careflow_curl_set_header_function(CURL *handle, curl_write_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

/// CURLOPT_XFERINFOFUNCTION: called periodically; a non-zero answer aborts the transfer.
static inline CURLcode careflow_curl_set_progress_function(CURL *handle, curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

#endif // __has_include(<curl/curl.h>)
#endif
