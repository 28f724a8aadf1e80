# `cmake --install`: the C library (libssokit.so.<SOVERSION> and/or libssokit.a) with
# include/ssokit/ssokit.h, the C++ static libraries (ssokit::core, ssokit::platforms,
# ssokit::native) with their headers under include/ssokit/, the CLI, and for consumers
# lib/cmake/ssokit/ssokitConfig.cmake (+ version file, targets ssokit::c, ssokit::core,
# ssokit::platforms, ssokit::native) and lib/pkgconfig/ssokit.pc for the C library.
include(CMakePackageConfigHelpers)
set(SSOKIT_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ssokit")

set(_targets ssokit_core ssokit_platforms ssokit_native ssokit_c)
if(TARGET ssokit_c_static AND NOT ssokit_c_static IN_LIST _targets)
  list(APPEND _targets ssokit_c_static)
endif()
set_target_properties(ssokit_core PROPERTIES EXPORT_NAME core)
set_target_properties(ssokit_platforms PROPERTIES EXPORT_NAME platforms)
set_target_properties(ssokit_native PROPERTIES EXPORT_NAME native)
set_target_properties(ssokit_c PROPERTIES EXPORT_NAME c)
if(TARGET ssokit_c_static)
  set_target_properties(ssokit_c_static PROPERTIES EXPORT_NAME c_static)
endif()
install(TARGETS ${_targets} EXPORT ssokitTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET ssokit_cli)
  install(TARGETS ssokit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/ssokit" "${PROJECT_SOURCE_DIR}/native/include/ssokit"
                  "${PROJECT_SOURCE_DIR}/bindings/c/include/ssokit"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ssokitTargets NAMESPACE ssokit:: DESTINATION ${SSOKIT_CMAKE_DIR})
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/ssokitConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/ssokitConfig.cmake" INSTALL_DESTINATION ${SSOKIT_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ssokitConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/ssokitConfig.cmake" "${PROJECT_BINARY_DIR}/ssokitConfigVersion.cmake"
        DESTINATION ${SSOKIT_CMAKE_DIR})

# pkg-config: `pkg-config --cflags --libs ssokit` (shared), `--static` for libssokit.a.
set(SSOKIT_PC_REQUIRES_PRIVATE "")
set(SSOKIT_PC_LIBS_PRIVATE "-lmbedcrypto -lstdc++ -lm -lpthread")
if(SSOKIT_WITH_LIBSODIUM)
  set(SSOKIT_PC_LIBS_PRIVATE "-lmbedcrypto -lsodium -lstdc++ -lm -lpthread")
endif()
if(SSOKIT_WITH_CURL)
  string(APPEND SSOKIT_PC_REQUIRES_PRIVATE " libcurl")
endif()
if(SSOKIT_WITH_QRENCODE)
  string(APPEND SSOKIT_PC_REQUIRES_PRIVATE " libqrencode")
endif()
string(STRIP "${SSOKIT_PC_REQUIRES_PRIVATE}" SSOKIT_PC_REQUIRES_PRIVATE)
# Relocatable: the prefix is found from where the .pc file lies (cmake --install --prefix DIR works).
file(RELATIVE_PATH SSOKIT_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file("${PROJECT_SOURCE_DIR}/cmake/ssokit.pc.in" "${PROJECT_BINARY_DIR}/ssokit.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/ssokit.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
