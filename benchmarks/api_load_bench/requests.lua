-- wrk script for benchmarks/api_load.py: replays a list of requests, one per line of a
-- tab-separated file "METHOD<TAB>PATH<TAB>BODY" (BODY may be empty), each thread starting at
-- another line. Pages get the session cookie, /api/ paths the bearer token.
--   wrk ... -s requests.lua URL -- REQUESTS_FILE SESSION_COOKIE API_TOKEN
-- done() prints one line "RESULT {json}" with counts, errors and latency percentiles (ms).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local file, cookie, token = args[1], args[2], args[3]
   local requests = {}
   for line in io.lines(file) do
      local method, path, body = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
      local headers = {}
      if path:sub(1, 5) == "/api/" then
         headers["Authorization"] = "Bearer " .. token
      else
         headers["Cookie"] = "centricity_session=" .. cookie
      end
      if body == "" then
         body = nil
      else
         headers["Content-Type"] = "application/json"
      end
      table.insert(requests, wrk.format(method, path, headers, body))
   end
   _requests = requests
   _next = (id * 7919) % #requests  -- threads start far apart in the list
end

function request()
   _next = _next % #_requests + 1
   return _requests[_next]
end

function done(summary, latency, requests)
   local e = summary.errors
   local function ms(p) return latency:percentile(p) / 1000 end
   io.write(string.format(
      'RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %.2f, "p95": %.2f, ' ..
      '"p99": %.2f, "max": %.2f, "mean": %.2f, "errors_connect": %d, "errors_read": %d, ' ..
      '"errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      ms(50), ms(95), ms(99), latency.max / 1000, latency.mean / 1000,
      e.connect, e.read, e.write, e.status, e.timeout))
end
