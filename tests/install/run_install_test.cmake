# Script behind the ctest install.consumer (see CMakeLists.txt next to it).
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
set(stage ${WORK}/stage)
run(${CMAKE_COMMAND} --install ${BIN} --prefix ${stage})
file(GLOB_RECURSE pcs ${stage}/*/cxkit.pc)
list(GET pcs 0 pc)
get_filename_component(pcdir ${pc} DIRECTORY)
get_filename_component(libdir ${pcdir} DIRECTORY)
foreach(f ${stage}/include/cxkit/cxkit.h ${stage}/include/cxkit/version.h ${libdir}/libcxkit.so
          ${libdir}/libcxkit.a ${libdir}/cmake/cxkit/cxkitConfig.cmake)
  if(NOT EXISTS ${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# 1. pkg-config
set(ENV{PKG_CONFIG_PATH} ${pcdir})
run(pkg-config --validate cxkit)
run(pkg-config --cflags --libs cxkit)
string(STRIP "${OUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CC} -std=c11 -Wall -Wextra -Wpedantic -Werror ${SRC}/consumer/consumer.c ${flags}
    -o ${WORK}/consumer_pc)
set(ENV{LD_LIBRARY_PATH} ${libdir})
run(${WORK}/consumer_pc)
message(STATUS "pkg-config: ${OUT}")
run(pkg-config --static --libs cxkit)

# 2. find_package(cxkit) -> cxkit::cxkit (shared) and cxkit::cxkit_static
run(${CMAKE_COMMAND} -S ${SRC}/consumer -B ${WORK}/consumer_build -DCMAKE_PREFIX_PATH=${stage}
    -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK}/consumer_build)
run(${WORK}/consumer_build/consumer)
message(STATUS "find_package: ${OUT}")
run(${WORK}/consumer_build/consumer_static)
file(REMOVE_RECURSE ${WORK})
