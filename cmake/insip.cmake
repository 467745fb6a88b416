# insip_add_module(NAME DEPS ...): src/NAME/**/*.cpp (minus *_test.cpp) -> static lib insip_NAME;
# src/NAME/**/*_test.cpp -> test binary insip_NAME_tests registered with CTest.
function(insip_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports std::variant<..., std::string> members as maybe-uninitialized at -O2 (a known
    # false positive); it drowns real warnings in the build log.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

if(INSIP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(insip_add_module name)
  cmake_parse_arguments(M "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*_test.cpp)
  if(tests)
    list(REMOVE_ITEM srcs ${tests})
  endif()
  if(srcs)
    add_library(insip_${name} STATIC ${srcs})
    target_include_directories(insip_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(insip_${name} PUBLIC ${M_DEPS})
    insip_warnings(insip_${name})
  else()
    add_library(insip_${name} INTERFACE)
    target_include_directories(insip_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(insip_${name} INTERFACE ${M_DEPS})
  endif()
  if(INSIP_TESTS AND tests)
    add_executable(insip_${name}_tests ${tests})
    target_link_libraries(insip_${name}_tests PRIVATE insip_${name} insip_testsupport ${M_TEST_DEPS}
                          GTest::gtest GTest::gtest_main GTest::gmock)
    target_compile_definitions(insip_${name}_tests PRIVATE
                               INSIP_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data")
    insip_warnings(insip_${name}_tests)
    gtest_discover_tests(insip_${name}_tests DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
