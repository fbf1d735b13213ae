# Script behind the ctest abi-check (see abi/CMakeLists.txt). abidiff's exit status is a bit set:
# 1 error, 2 usage error, 4 ABI change, 8 incompatible ABI change.
if(NOT EXISTS ${BASELINE})
  message(FATAL_ERROR "no ABI baseline ${BASELINE}: the SOVERSION changed? Run "
                      "`cmake --build build --target abi-dump` and commit the file.")
endif()
string(REPLACE "--headers-dir;" "--headers-dir2;" headers2 "${HEADERS}")
execute_process(COMMAND ${ABIDIFF} ${headers2} ${BASELINE} ${LIB}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc MATCHES "^[0-9]+$")
  message(FATAL_ERROR "abidiff did not run: ${rc}")
endif()
math(EXPR errors "${rc} & 3")
math(EXPR incompatible "${rc} & 8")
# abidiff flags only removals as "incompatible" (8); a changed return or parameter type is a plain
# change (4). Treat every removed or changed function/variable as breaking; additions are fine.
set(broken OFF)
string(REGEX MATCHALL "([0-9]+) (Removed|Changed)" counts "${out}")
foreach(c ${counts})
  string(REGEX REPLACE " .*" "" k "${c}")
  if(k GREATER 0)
    set(broken ON)
  endif()
endforeach()
if(errors)
  message(FATAL_ERROR "abidiff failed (exit ${rc})")
elseif(incompatible OR broken)
  message(FATAL_ERROR "ABI BREAK against ${BASELINE} (removed or changed functions/types above): "
                      "bump CX_SOVERSION in CMakeLists.txt, then refresh the baseline with "
                      "`cmake --build build --target abi-dump`.")
elseif(rc)
  message(STATUS "compatible ABI additions against the baseline (refresh it with abi-dump at release)")
else()
  message(STATUS "ABI identical to ${BASELINE}")
endif()
