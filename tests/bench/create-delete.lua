-- create-delete.lua: a wrk script for script/bench. Each connection makes
-- a link with POST /create, asks for its Delete page (GET /delete, which
-- shows the link's identity in a hidden field "id"), then removes it with
-- POST /delete and that id, again and again; the three make one round
-- trip. Run it with one connection (-c1 -t1): the requests must follow
-- one another. Arguments (after "--"): the session token, the CSRF token,
-- the directory (Home-relative) the links go in. Every answer but the
-- expected one (303, 200 with an id, 303) counts as an error; done()
-- prints "round_trips N errors N seconds S".

local threads = {}

-- Keep each thread so that done() can read its counters.
function setup(thread)
	table.insert(threads, thread)
end

-- Percent-encode a string for an urlencoded body or a query.
local function encode(s)
	return (s:gsub("[^%w%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

-- Read the arguments and prepare the requests (the delete's is made
-- afresh with each id).
function init(args)
	local dir = encode(args[3])
	headers = {
		["Cookie"] = "fp_session=" .. args[1],
		["Content-Type"] = "application/x-www-form-urlencoded",
	}
	fields = "csrf=" .. encode(args[2]) .. "&root=home&path=" .. dir .. "&name=bench-link"
	create = wrk.format("POST", "/create", headers,
		fields .. "&target=" .. encode("../shared/target.txt"))
	confirm = wrk.format("GET", "/delete?root=home&path=" .. dir .. "&name=bench-link",
		{["Cookie"] = headers["Cookie"]})
	id = ""
	answers = 0
	errors = 0
	deletes = 0
end

-- Go round by the answers received (wrk may call request() once ahead
-- of time): create, confirm, delete, create...
function request()
	local step = answers % 3
	if step == 0 then
		return create
	elseif step == 1 then
		return confirm
	end
	return wrk.format("POST", "/delete", headers, fields .. "&id=" .. encode(id))
end

-- Count the answers: create and delete answer 303, the confirm page 200
-- with the link's id; every third answer ends a round trip.
function response(status, headers, body)
	local step = answers % 3
	if step == 1 then
		id = body and body:match('<input type="hidden" name="id" value="([^"]*)"') or ""
		if status ~= 200 or id == "" then
			errors = errors + 1
		end
	elseif status ~= 303 then
		errors = errors + 1
	end
	answers = answers + 1
	if answers % 3 == 0 then
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
