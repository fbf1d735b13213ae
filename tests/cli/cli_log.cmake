# `cxkit log info|validate`: output, JSON, errors with file:line:column, exit codes 0/1/2.
# Run as: cmake -DCXKIT=path/to/cxkit -DDATA=tests/data/log -P cli_log.cmake
set(failures 0)

# run(<expected exit code> <stdout regex> <stderr regex> args...)
function(run code out_re err_re)
  execute_process(COMMAND ${CXKIT} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(ok TRUE)
  if(NOT rc EQUAL code)
    set(ok FALSE)
  endif()
  if(out_re AND NOT out MATCHES "${out_re}")
    set(ok FALSE)
  endif()
  if(err_re AND NOT err MATCHES "${err_re}")
    set(ok FALSE)
  endif()
  if(NOT ok)
    message(SEND_ERROR "cxkit ${ARGN}: exit ${rc} (want ${code})\nstdout:\n${out}\nstderr:\n${err}\n"
                       "wanted stdout ~ ${out_re}, stderr ~ ${err_re}")
  endif()
endfunction()

# info, human-readable: every part the issue asks for
run(0 "rows +4\n.*customers +3\n.*employees +2\n.*teams +1\n" "" log info ${DATA}/small.csv)
run(0 "time span +2024-01-05T10:00:00Z \\.\\. 2024-02-01T07:30:00Z" "" log info ${DATA}/small.csv)
run(0 "booking +2\n +baggage +1\n" "" log info ${DATA}/small.csv)
run(0 "phone +1\n.*self_service +1\n" "" log info ${DATA}/small.csv)
run(0 "nps +2 +50\\.0%\n" "" log info ${DATA}/small.csv)
# info --json
run(0 "\"rows\": 4, \"customers\": 3, \"employees\": 2, \"teams\": 1" "" log info --json ${DATA}/small.csv)
run(0 "\"touchpoints\": {\"booking\": 2, \"baggage\": 1}" "" log info --json ${DATA}/small.csv)
run(0 "\"missing\": {[^}]*\"nps\": 2" "" log info ${DATA}/small.csv --json)
# validate
run(0 "ok, 4 rows" "" log validate ${DATA}/small.csv)
run(0 "\"valid\": true, \"rows\": 4" "" log validate --json ${DATA}/small.csv)
# bad input: exit 1, file:line:column on stderr
run(1 "" "bad_nps.csv:4:3: column 'nps': nps 12 outside 0\\.\\.10" log validate ${DATA}/bad_nps.csv)
run(1 "\"valid\": false, \"error\": {\"code\": \"EPARSE\".*\"line\": 4, \"column\": 3" "bad_nps.csv:4:3"
    log validate --json ${DATA}/bad_nps.csv)
run(1 "" "cannot open" log info ${DATA}/no_such_file.csv)
run(1 "" "no column 'customer'" log info ${DATA}/renamed.csv)
# --columns
run(0 "ok, 1 rows" "" log validate --columns customer=cust_id,time=created ${DATA}/renamed.csv)
run(0 "ok, 1 rows" "" log validate --columns=customer=cust_id,time=created ${DATA}/renamed.csv)
# usage: exit 2
run(2 "" "usage" log)
run(2 "" "unknown verb" log frobnicate ${DATA}/small.csv)
run(2 "" "unknown option '--bogus'" log info --bogus ${DATA}/small.csv)
run(2 "" "FILE is required" log info)
run(2 "" "unexpected argument" log info ${DATA}/small.csv ${DATA}/small.csv)
run(2 "" "--columns needs a value" log info ${DATA}/small.csv --columns)
run(2 "" "unknown field 'shoe'" log info --columns shoe=x ${DATA}/small.csv)
run(0 "usage: cxkit log info" "" log --help)
run(0 "usage: cxkit log info" "" log info --help)
