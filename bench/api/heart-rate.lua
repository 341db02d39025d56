-- wrk script: "one patient's heart rate for the last 24 h, newest first, 100 per page", a random
-- patient of the 1,000 per request, with the bench server's bearer token.
local patients = {}
local token

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do out[#out + 1] = line end
  return out
end

function init(args)
  local dir = args[1]
  patients = read_lines(dir .. "/patients.txt")
  token = read_lines(dir .. "/token")[1]
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local p = patients[math.random(#patients)]
  local path = "/fhir/Observation?patient=" .. p
      .. "&code=http://loinc.org%7C8867-4&date=ge2026-11-25T00:00:00Z&_sort=-date&_count=100"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/fhir+json" })
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
