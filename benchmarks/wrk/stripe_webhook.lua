-- POST /webhooks/<tenant>/stripe with pre-signed events from EVENTS_FILE ("signature<TAB>body"
-- lines). Thread k of n sends lines k, k+n, … so every request is a new event; with REPLAY=1
-- every request repeats the first event (the idempotent path).
local events = {}
for line in io.lines(os.getenv("EVENTS_FILE")) do
  local signature, body = string.match(line, "([^\t]+)\t(.+)")
  table.insert(events, {signature, body})
end
local path = "/webhooks/" .. os.getenv("TENANT") .. "/stripe"
local replay = os.getenv("REPLAY") == "1"
local counter = 1

function setup(thread)
  thread:set("first", counter)
  counter = counter + 1
end

function init(args)
  step = tonumber(os.getenv("WRK_THREADS") or "2")
  index = first
end

function request()
  local event = events[replay and 1 or index] or events[1]
  index = index + step
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Stripe-Signature"] = event[1]}, event[2])
end
