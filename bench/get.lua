-- wrk script: anonymous GETs of one address, compressed as a browser asks for it.
--
--   wrk -t2 -c32 -d5s -s bench/get.lua http://127.0.0.1:PORT/p/<slug>/
--
-- done() prints one line "wrk-json {...}" with the counts per status and the latency percentiles.

-- report.lua lies beside this script; wrk runs from anywhere.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  wrk.headers["Accept-Encoding"] = "gzip"
  wrk.headers["Accept-Language"] = "en"
end
