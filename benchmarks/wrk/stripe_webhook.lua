-- POST /webhooks/<tenant>/stripe with pre-signed events from EVENTS_FILE ("signature<TAB>body"
-- lines). Thread k of n sends lines k, k+n, … so every request is a new event; with REPLAY=1
-- every request repeats the first event (the idempotent path).
-- Each thread formats its requests once, in init: formatting one per request made a new string
-- every time, and the garbage collector then walked the whole table of 300,000 events again
-- and again (wrk used a third of the two cores, more than PostgreSQL).
local path = "/webhooks/" .. os.getenv("TENANT") .. "/stripe"
local replay = os.getenv("REPLAY") == "1"
local counter = 1

function setup(thread)
  thread:set("first", counter)
  counter = counter + 1
end

function init(args)
  local step = tonumber(os.getenv("WRK_THREADS") or "2")
  requests = {}
  local n = 0
  for line in io.lines(os.getenv("EVENTS_FILE")) do
    if (replay and n == 0) or (not replay and n % step == first - 1) then
      local signature, body = string.match(line, "([^\t]+)\t(.+)")
      requests[#requests + 1] = wrk.format("POST", path,
        {["Content-Type"] = "application/json", ["Stripe-Signature"] = signature}, body)
    end
    n = n + 1
    if replay then break end
  end
  index = 0
  collectgarbage()
end

function request()
  index = index + 1
  return requests[index] or requests[1]
end
