#ifndef CAREFLOW_CHARU_SHIM_H
#define CAREFLOW_CHARU_SHIM_H

// Without the development headers the build must stop here, saying what to install, rather
// than fail later with an unrelated "no such module".
#if !__has_include(<hpdf.h>)
#error "libharu headers not found: receipts and PDF exports (Sources/CareFlowPDF) need them. Install libhpdf-dev (Debian/Ubuntu: apt-get install libhpdf-dev)."
#else
#include <hpdf.h>
#endif

#endif
