-- GET /api/v1/patients?<field>=<value> with values drawn from the seeded list
-- (SEED_FILE: "mrn,family_name" lines; FIELD: mrn or name).
local values = {}
local field = os.getenv("FIELD")
for line in io.lines(os.getenv("SEED_FILE")) do
  local mrn, family = string.match(line, "([^,]+),([^,]+)")
  table.insert(values, field == "mrn" and mrn or family)
end
local token = os.getenv("ACCESS_TOKEN")

function request()
  local v = values[math.random(#values)]
  return wrk.format("GET", "/api/v1/patients?" .. field .. "=" .. v, {["Authorization"] = "Bearer " .. token})
end
