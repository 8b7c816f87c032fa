-- wrk script for benchmarks/survey_load.py: every connection is a respondent who POSTs the
-- next unused survey link's answer, a plain form as the public page sends it.
--   wrk ... -s answers.lua URL -- LINKS_FILE THREADS
-- LINKS_FILE holds one "PATH<TAB>FORM BODY<TAB>ADDRESS" a line (ADDRESS, if not empty, is
-- sent as X-Forwarded-For: the respondent behind a proxy); thread k of THREADS sends lines k,
-- k + THREADS, ... so no link is sent twice (a thread that runs out starts over and counts
-- `reused`: the run then had too few links). done() prints one line "RESULT {json}" with
-- the answers by status and the latency percentiles (ms).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local file, total = args[1], tonumber(args[2])
   local mine, n = {}, 0
   for line in io.lines(file) do
      if n % total == id - 1 then
         local path, body, address = line:match("^([^\t]+)\t([^\t]*)\t(.*)$")
         local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
         if address ~= "" then headers["X-Forwarded-For"] = address end
         table.insert(mine, wrk.format("POST", path, headers, body))
      end
      n = n + 1
   end
   _requests, _next = mine, 0
   answered, used, refused, failed, reused = 0, 0, 0, 0, 0
end

function request()
   _next = _next + 1
   if _next > #_requests then
      _next, reused = 1, reused + 1
   end
   return _requests[_next]
end

function response(status, headers, body)
   if status == 200 then answered = answered + 1
   elseif status == 409 then used = used + 1
   elseif status >= 500 then failed = failed + 1
   else refused = refused + 1 end
end

function done(summary, latency, requests)
   local t = {answered = 0, used = 0, refused = 0, failed = 0, reused = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(t) do t[name] = t[name] + thread:get(name) end
   end
   local e = summary.errors
   local function ms(p) return latency:percentile(p) / 1000 end
   io.write(string.format(
      'RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %.2f, "p95": %.2f, ' ..
      '"p99": %.2f, "max": %.2f, "answered": %d, "used": %d, "refused": %d, ' ..
      '"server_errors": %d, "reused_links": %d, "errors_connect": %d, "errors_read": %d, ' ..
      '"errors_write": %d, "errors_timeout": %d}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      ms(50), ms(95), ms(99), latency.max / 1000, t.answered, t.used, t.refused, t.failed,
      t.reused, e.connect, e.read, e.write, e.timeout))
end
