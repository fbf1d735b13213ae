# Runs `cxkit simulate` on the committed sample scenario and checks what it writes; then checks
# that a bad scenario fails with exit status 1, a message naming the key, and no output files.
file(REMOVE_RECURSE ${OUT})
set(files series.csv comparison.csv)
set(nologs --no-logs)
if(EXISTS ${SRC}/lib/log/log.c) # the interaction and transaction logs need the log module
  set(nologs "")
  list(APPEND files interactions.csv transactions.csv)
endif()
execute_process(COMMAND ${CXKIT} simulate ${SRC}/examples/scenarios/sample.json --customers 400
                --replications 2 --threads 2 --out ${OUT} ${nologs}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cxkit simulate failed (${rc}): ${err}")
endif()
foreach(f ${files})
  if(NOT EXISTS ${OUT}/${f})
    message(FATAL_ERROR "missing ${OUT}/${f}")
  endif()
endforeach()
file(STRINGS ${OUT}/series.csv lines)
list(LENGTH lines n)
if(NOT n EQUAL 53)
  message(FATAL_ERROR "series.csv has ${n} lines, expected 53")
endif()
if(NOT nologs)
  file(STRINGS ${OUT}/interactions.csv head LIMIT_COUNT 1)
  if(NOT head MATCHES "^customer,time")
    message(FATAL_ERROR "interactions.csv header: ${head}")
  endif()
endif()
# bad input: a parameter out of range names the key, exits 1 and writes nothing
file(WRITE ${OUT}/bad.json "{\"parameters\": {\"leadership\": 3}}")
file(REMOVE_RECURSE ${OUT}/bad)
execute_process(COMMAND ${CXKIT} simulate ${OUT}/bad.json --out ${OUT}/bad
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "parameters.leadership")
  message(FATAL_ERROR "bad scenario: status ${rc}, message: ${err}")
endif()
if(EXISTS ${OUT}/bad)
  message(FATAL_ERROR "a failed run created ${OUT}/bad")
endif()
file(WRITE ${OUT}/bad2.json "{\"parameters\": {\"leadership\": 0.5,}\n")
execute_process(COMMAND ${CXKIT} simulate ${OUT}/bad2.json --out ${OUT}/bad
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad2.json:1:[0-9]+: malformed JSON")
  message(FATAL_ERROR "malformed scenario: status ${rc}, message: ${err}")
endif()
# no partial output set: when a later output cannot be put in place, the earlier ones are removed
# (here comparison.csv and then interactions.csv are directories, so renaming onto them fails)
foreach(blocker comparison.csv interactions.csv)
  file(REMOVE_RECURSE ${OUT}/blocked)
  file(MAKE_DIRECTORY ${OUT}/blocked/${blocker})
  execute_process(COMMAND ${CXKIT} simulate ${SRC}/examples/scenarios/sample.json --customers 200
                  --replications 2 --out ${OUT}/blocked ${nologs}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  file(GLOB left RELATIVE ${OUT}/blocked ${OUT}/blocked/* ${OUT}/blocked/.*)
  if(NOT rc EQUAL 1 OR NOT left STREQUAL "${blocker}")
    message(FATAL_ERROR "blocked ${blocker}: status ${rc}, left behind: ${left}, message: ${err}")
  endif()
endforeach()
# --progress reports on stderr (blocks of customers, then replications) even without a terminal
file(REMOVE_RECURSE ${OUT}/progress)
execute_process(COMMAND ${CXKIT} simulate ${SRC}/examples/scenarios/sample.json --customers 300
                --replications 2 --out ${OUT}/progress --progress --no-logs
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "baseline 100%" OR NOT err MATCHES "replications 100%")
  message(FATAL_ERROR "--progress: status ${rc}, stderr: ${err}")
endif()
# an inconsistent scenario (channel mix not summing to 1) and a bad override name the parameter,
# exit 1 and create nothing
file(WRITE ${OUT}/mix.json "{\"parameters\": {\"mix_phone\": 0.9}}")
foreach(args "${OUT}/mix.json" "${SRC}/examples/scenarios/sample.json;--customers;0")
  file(REMOVE_RECURSE ${OUT}/bad)
  execute_process(COMMAND ${CXKIT} simulate ${args} --out ${OUT}/bad
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 1 OR NOT err MATCHES "mix_|customers" OR EXISTS ${OUT}/bad)
    message(FATAL_ERROR "${args}: status ${rc}, message: ${err}")
  endif()
endforeach()
file(WRITE ${OUT}/unknown.json "{\"parameters\": {\"leadershp\": 0.5}}")
execute_process(COMMAND ${CXKIT} simulate ${OUT}/unknown.json --out ${OUT}/bad
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "leadershp" OR EXISTS ${OUT}/bad)
  message(FATAL_ERROR "unknown parameter: status ${rc}, message: ${err}")
endif()
# the files are byte for byte the same whatever the number of threads
foreach(t 1 3)
  file(REMOVE_RECURSE ${OUT}/threads${t})
  execute_process(COMMAND ${CXKIT} simulate ${SRC}/examples/scenarios/sample.json --customers 2500
                  --periods 16 --replications 2 --threads ${t} --out ${OUT}/threads${t} ${nologs}
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "--threads ${t}: status ${rc}: ${err}")
  endif()
endforeach()
foreach(f ${files})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/threads1/${f} ${OUT}/threads3/${f}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${f} differs between --threads 1 and --threads 3")
  endif()
endforeach()
