-- create-delete.lua: a wrk script for script/bench. Each connection makes
-- a link with POST /create, then removes it with POST /delete, again and
-- again; one create and one delete make one round trip. Run it with one
-- connection (-c1 -t1): the requests must follow one another. Arguments (after
-- "--"): the session token, the CSRF token, the directory (Home-relative)
-- the links go in. Every answer but 303 counts as an error; done() prints
-- "round_trips N errors N seconds S".

local threads = {}

-- Keep each thread so that done() can read its counters.
function setup(thread)
	table.insert(threads, thread)
end

-- Percent-encode a string for an urlencoded body.
local function encode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

-- Read the arguments and prepare the two requests.
function init(args)
	local cookie = "fp_session=" .. args[1]
	local fields = "csrf=" .. encode(args[2]) .. "&root=home&path=" .. encode(args[3])
		.. "&name=bench-link"
	local headers = {
		["Cookie"] = cookie,
		["Content-Type"] = "application/x-www-form-urlencoded",
	}
	create = wrk.format("POST", "/create", headers,
		fields .. "&target=" .. encode("../shared/target.txt"))
	delete = wrk.format("POST", "/delete", headers, fields)
	answers = 0
	errors = 0
	deletes = 0
end

-- Alternate by the answers received (wrk may call request() once ahead
-- of time): create, delete, create, delete...
function request()
	if answers % 2 == 0 then
		return create
	end
	return delete
end

-- Count the answers: a 303 is success; every second one ends a delete.
function response(status, headers, body)
	if status ~= 303 then
		errors = errors + 1
	end
	answers = answers + 1
	if answers % 2 == 0 then
		deletes = deletes + 1
	end
end

-- Print the round trips (finished deletes) and the errors of all threads.
function done(summary, latency, requests)
	local trips, errs = 0, 0
	for _, thread in ipairs(threads) do
		trips = trips + thread:get("deletes")
		errs = errs + thread:get("errors")
	end
	io.write(string.format("round_trips %d errors %d seconds %.3f\n",
		trips, errs, summary.duration / 1e6))
end
