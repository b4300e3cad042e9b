-- Request plan and response accounting for one wrk run (bench/http/wrk-client.ts).
-- The request is built once per thread; request() only counts it, so the load generator stays
-- a C event loop plus a counter, and the CPU goes to the worker under test.
-- Arguments: <method> <path> <body file or "-">
-- Headers come from wrk's -H flags (wrk.headers).

-- Globals, not locals: done() reads each thread's with thread:get().
counts = {}
sent = 0
local request_text

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local method, path, body_file = args[1], args[2], args[3]
  local body = nil
  if body_file ~= "-" then
    local file = assert(io.open(body_file, "rb"))
    body = file:read("*a")
    file:close()
  end
  request_text = wrk.format(method, path, nil, body)
end

function request()
  sent = sent + 1
  return request_text
end

local function add(name)
  counts[name] = (counts[name] or 0) + 1
end

function response(status, headers, body)
  add("status:" .. status)
  local x_cache = headers["X-Cache"] or headers["x-cache"]
  if x_cache then
    add("x-cache:" .. x_cache)
  elseif body:sub(1, 10) == '{"stored":' then
    add(status == 202 and "stored:memory" or "stored:redis")
  elseif body:sub(1, 7) == '{"get":' then
    for operation in body:gmatch('"status":"(%a+)"') do add("batch:" .. operation) end
  end
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local total_sent = 0
  local merged = {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + (thread:get("sent") or 0)
    for name, count in pairs(thread:get("counts") or {}) do merged[name] = (merged[name] or 0) + count end
  end
  local parts = {}
  for name, count in pairs(merged) do table.insert(parts, json_string(name) .. ":" .. count) end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"sent":%d,"responses":%d,"durationUs":%d,"socketErrors":%d,"timeouts":%d,' ..
      '"p50Us":%d,"p90Us":%d,"p99Us":%d,"counts":{%s}}\n',
    total_sent, summary.requests, summary.duration,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    table.concat(parts, ",")))
end
