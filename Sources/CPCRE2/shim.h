#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
// PCRE2 needs its code-unit width before the header; we use the 8-bit (UTF-8) library.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
