-- POST /api/v1/appointments, each request a different free slot from SLOTS_FILE
-- ("doctor_id,facility_id,patient_id,starts_at" lines): thread k of n books lines k, k+n, …
-- so no two requests compete for a slot and every 201 is a real booking.
local slots = {}
for line in io.lines(os.getenv("SLOTS_FILE")) do table.insert(slots, line) end
local token = os.getenv("ACCESS_TOKEN")
local threads = {}
local counter = 1

function setup(thread)
  thread:set("first", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  step = tonumber(os.getenv("WRK_THREADS") or "2")
  index = first
end

function request()
  local line = slots[index]
  index = index + step
  if line == nil then line = slots[1] end  -- out of slots: a 409, reported as non-2xx
  local doctor, facility, patient, starts = string.match(line, "([^,]+),([^,]+),([^,]+),([^,]+)")
  local body = '{"doctor_id":"' .. doctor .. '","facility_id":"' .. facility .. '","patient_id":"' .. patient ..
               '","starts_at":"' .. starts .. '","reason":"benchmark visit"}'
  return wrk.format("POST", "/api/v1/appointments",
                    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
