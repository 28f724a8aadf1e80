/* ssokit's version, for C and C++ (the C API's ssokit.h includes it). CMakeLists.txt's
 * project(VERSION) must say the same: the configure step checks it. */
#ifndef SSOKIT_VERSION_H
#define SSOKIT_VERSION_H

#define SSOKIT_VERSION_MAJOR 0
#define SSOKIT_VERSION_MINOR 1
#define SSOKIT_VERSION_PATCH 0
#define SSOKIT_VERSION "0.1.0"
/* 0xXXYYZZ: major, minor, patch; compare with ssokit_version_num() at run time. */
#define SSOKIT_VERSION_NUM ((SSOKIT_VERSION_MAJOR << 16) | (SSOKIT_VERSION_MINOR << 8) | SSOKIT_VERSION_PATCH)

#endif /* SSOKIT_VERSION_H */
