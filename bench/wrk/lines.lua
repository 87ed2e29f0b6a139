-- wrk script: send requests drawn at random from a file, one per line:
--   GET /path?query
--   POST /path form-encoded-body
-- and print the summary as one JSON line (prefixed WRKJSON) for bench/run.py.
-- Usage: wrk -s bench/wrk/lines.lua http://127.0.0.1:PORT -- FILE SEED

local prepared = {}
local threads = 0

function setup(thread)
   thread:set("id", threads)
   threads = threads + 1
end

function init(args)
   local path, seed = args[1], tonumber(args[2] or "1")
   for line in io.lines(path) do
      local method, target, body = line:match("^(%u+) (%S+) ?(.*)$")
      if method == "POST" then
         local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
         prepared[#prepared + 1] = wrk.format("POST", target, headers, body)
      elseif method then
         prepared[#prepared + 1] = wrk.format("GET", target, {})
      end
   end
   -- Each thread gets its own sequence so two threads do not send the same requests.
   math.randomseed(seed + (id or 0) * 7919 + os.time())
end

function request()
   return prepared[math.random(#prepared)]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, '
         .. '"p90_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
   ))
end
