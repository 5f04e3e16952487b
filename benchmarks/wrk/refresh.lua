-- Refresh-token rotation. Each thread owns one connection and one token chain: every answer
-- carries the next refresh token, which the next request presents (a used token would revoke
-- the family, so chains must never interleave). Run with -c equal to -t.
local counter, chains = 0, {}
for token in string.gmatch(os.getenv("REFRESH_TOKENS"), "[^,]+") do table.insert(chains, token) end

function setup(thread)
  counter = counter + 1
  thread:set("token", chains[counter])
end

function request()
  return wrk.format("POST", "/api/v1/auth/refresh", {["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  local next_token = string.match(body, '"refresh_token":"([^"]+)"')
  if next_token then token = next_token end
end
