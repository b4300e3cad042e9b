-- One paced stream of requests for wrk (bench/scale/load/wrk-load.ts runs it). Every connection
-- waits a random think time (exponential, so arrivals are spread rather than in bursts) before
-- each request, and the stream ends with one JSON line: latencies, answers by status and error
-- code, and how responses say they were served.
--
-- wrk -t1 -c<connections> -d<s> -s paced.lua <url> -- <mode> <mean think ms> <files dir> [key=value…]
--   steady      GETs and PUTs of <keyPrefix><n>, n uniform in [0, keyCount); body from value.txt
--   fake-tokens GETs of <path>, each with the next made-up token of tokens.txt
--   repeat-get  GETs of <path>
--   oversized   POST /v1/batch with the body of oversized.json

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

local function with_headers(extra)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for name, value in pairs(extra or {}) do headers[name] = value end
  return headers
end

local mode, think_ms, options
local prebuilt = {}
local tokens = {}
local token_at = 0

function init(args)
  mode = args[1]
  think_ms = tonumber(args[2])
  local dir = args[3]
  options = {}
  for i = 4, #args do
    local key, value = args[i]:match("^([^=]+)=(.*)$")
    options[key] = value
  end
  answers = {}
  outcomes = {}
  math.randomseed(tonumber(options.seed or "1") * 1000 + id)
  if mode == "steady" then
    local value = read_file(dir .. "/value.txt")
    for n = 0, tonumber(options.keyCount) - 1 do
      local path = options.keyPrefix .. n
      prebuilt[#prebuilt + 1] = {
        get = wrk.format("GET", path, with_headers()),
        put = wrk.format("PUT", path .. options.putQuery, with_headers({ ["Content-Type"] = options.contentType }), value),
      }
    end
  elseif mode == "fake-tokens" then
    for line in io.lines(dir .. "/tokens.txt") do tokens[#tokens + 1] = line end
    token_at = id * 7919
  elseif mode == "repeat-get" then
    prebuilt[1] = wrk.format("GET", options.path, with_headers())
  elseif mode == "oversized" then
    prebuilt[1] = wrk.format("POST", "/v1/batch", with_headers({ ["Content-Type"] = "application/json" }), read_file(dir .. "/oversized.json"))
  else
    error("paced.lua: unknown mode " .. tostring(mode))
  end
end

function delay()
  return -math.log(1 - math.random()) * think_ms
end

function request()
  if mode == "steady" then
    local key = prebuilt[math.random(#prebuilt)]
    if math.random() < tonumber(options.putShare) then return key.put end
    return key.get
  elseif mode == "fake-tokens" then
    token_at = token_at % #tokens + 1
    return wrk.format("GET", options.path, with_headers({ Authorization = "Bearer " .. tokens[token_at] }))
  end
  return prebuilt[1]
end

local function add(map, key)
  map[key] = (map[key] or 0) + 1
end

function response(status, headers, body)
  local answer = tostring(status)
  if status >= 400 and body then
    local code = body:match('^{"error":{"code":"([a-z_]+)"')
    if code then answer = answer .. " " .. code end
  end
  add(answers, answer)
  for name, value in pairs(headers) do
    if name:lower() == "x-cache" then add(outcomes, "x-cache:" .. value) end
  end
  if status == 201 then add(outcomes, "stored:redis") end
  if status == 202 then add(outcomes, "stored:memory") end
  -- A batch answers 200 whatever each operation's fate: count what its sets became.
  if body and body:sub(1, 7) == '{"get":' then
    for stored in body:gmatch('"stored":"(%a+)"') do add(outcomes, "batch:stored:" .. stored) end
    for _ in body:gmatch('"status":"error"') do add(outcomes, "batch:error") end
  end
end

local function json_counts(merged)
  local parts = {}
  for key, n in pairs(merged) do parts[#parts + 1] = string.format("%q:%d", key, n) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local merged_answers, merged_outcomes = {}, {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("answers") or {}) do merged_answers[key] = (merged_answers[key] or 0) + n end
    for key, n in pairs(thread:get("outcomes") or {}) do merged_outcomes[key] = (merged_outcomes[key] or 0) + n end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"socketErrors":%d,"timeouts":%d,"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d},"answers":%s,"outcomes":%s}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    json_counts(merged_answers), json_counts(merged_outcomes)))
end
