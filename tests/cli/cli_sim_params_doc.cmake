# docs/simulator-parameters.md is `cxkit simulate --list-params` under its 6-line preamble:
# a parameter added or changed in lib/sim/sim_params.def without regenerating the page fails here.
execute_process(COMMAND ${CXKIT} simulate --list-params RESULT_VARIABLE rc OUTPUT_VARIABLE table)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cxkit simulate --list-params failed: ${rc}")
endif()
file(READ ${SRC}/docs/simulator-parameters.md doc)
string(FIND "${doc}" "${table}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "docs/simulator-parameters.md is out of date: regenerate it with "
                      "cxkit simulate --list-params (keep the first 6 lines)")
endif()
