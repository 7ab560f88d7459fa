-- wrk script: POSTs the sign form, each request as another signer from another address.
--
--   wrk -t2 -c32 -d13s -s bench/sign.lua http://127.0.0.1:PORT/p/<slug>/sign/ -- \
--       <tag> <seconds> <csrf secret> <petition id> <organisation id> <region>|<region>|...
--
-- Every request carries a unique address (tag, thread, counter) and a unique X-Forwarded-For.
-- After <seconds> no new request starts; wrk's own duration is set a little longer, so that every
-- request sent is answered before wrk stops and each 303 counted is a row the server wrote.
-- done() prints one line "wrk-json {...}" with the counts per status and the latency percentiles.

-- report.lua lies beside this script; wrk runs from anywhere.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function urlencode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local visibilities = { "counted", "initials", "full_name" }

function init(args)
  tag, seconds, secret, petition, organisation = args[1], tonumber(args[2]), args[3], args[4], args[5]
  regions = {}
  for region in string.gmatch(args[6] or "", "[^|]+") do
    table.insert(regions, urlencode(region))
  end
  math.randomseed(id * 7919 + os.time())
  counter = 0
  statuses = {}
  started = nil
  wrk.method = "POST"
end

function delay()
  started = started or os.time()
  if os.time() - started >= seconds then
    return 3600000
  end
  return 0
end

function request()
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. secret
    .. "&petition=" .. petition
    .. "&name=Signer+" .. id .. "+" .. counter
    .. "&email=" .. tag .. "-" .. id .. "-" .. counter .. "%40example.org"
    .. "&region=" .. regions[math.random(#regions)]
    .. "&visibility=" .. visibilities[math.random(#visibilities)]
    .. "&opt_in=" .. organisation
  -- Addresses from 10.0.0.0/8, one per request: no two signers share a rate limit.
  local forwarded = string.format("10.%d.%d.%d", id % 256, math.floor(counter / 256) % 256, counter % 256)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. secret,
    ["X-Forwarded-For"] = forwarded,
  }
  return wrk.format(nil, nil, headers, body)
end
