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
# the scenario keys the sample uses are checked: a bad start date, an unknown channel or
# touchpoint key, a sale rate out of range name what is wrong and write nothing
set(cases
    "{\"start\": \"yesterday\"}|start must be a date"
    "{\"touchpoints\": [{\"name\": \"a\", \"share\": 1, \"emotional_weight\": 1, \"channels\": {\"fax\": 1}}]}|channels.fax: unknown channel"
    "{\"touchpoints\": [{\"name\": \"a\", \"share\": 1, \"emotional_weight\": 1, \"sales\": 1}]}|unknown key \"sales\""
    "{\"touchpoints\": [{\"name\": \"a\", \"share\": 1, \"emotional_weight\": 1, \"sale_rate\": 2}]}|sale_rate")
set(i 0)
foreach(c ${cases})
  string(REPLACE "|" ";" parts "${c}")
  list(GET parts 0 json)
  list(GET parts 1 want)
  file(WRITE ${WORK}/bad${i}.json "${json}")
  execute_process(COMMAND ${CXKIT} simulate ${WORK}/bad${i}.json --out ${WORK}/bad${i}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  string(FIND "${err}" "${want}" at)
  if(NOT rc EQUAL 1 OR at EQUAL -1 OR EXISTS ${WORK}/bad${i})
    message(FATAL_ERROR "bad scenario ${json}: status ${rc}, message: ${err}")
  endif()
  math(EXPR i "${i} + 1")
endforeach()
