# The sample data is the simulator's output for the committed scenario: regenerating it from
# examples/scenarios/sample-data.json (with two threads: the output does not depend on them)
# reproduces examples/data/interactions.csv and transactions.csv byte for byte, and they validate.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CXKIT} simulate ${SRC}/examples/scenarios/sample-data.json --threads 2
                --out ${WORK} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cxkit simulate failed (${rc}): ${err}")
endif()
foreach(f interactions.csv transactions.csv)
  file(SHA256 ${WORK}/${f} got)
  file(SHA256 ${SRC}/examples/data/${f} want)
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "examples/data/${f} is not what examples/scenarios/sample-data.json "
                        "generates: regenerate it (docs/sample-data.md)")
  endif()
endforeach()
execute_process(COMMAND ${CXKIT} log validate --json ${WORK}/interactions.csv RESULT_VARIABLE rc
                OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"valid\": true, \"rows\": [1-9][0-9]+")
  message(FATAL_ERROR "the sample log does not validate: ${out}")
endif()
