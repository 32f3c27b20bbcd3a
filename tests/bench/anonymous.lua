-- anonymous.lua: a wrk script for script/bench. Sends, as fast as it goes,
-- requests of a visitor without a session that the app refuses and
-- records, each with fresh random fields, in a fixed rotation:
--   create   POST /create, no cookie, own Origin, random csrf, path, name
--            and target (refused: no session, so the CSRF check fails);
--   login    POST /login, own Origin, a random 8 KB username, a random
--            password (refused: unknown name, 429 once throttled);
--   delete   POST /delete, a random (unknown) session cookie, own
--            Origin, random csrf, path, name and id (refused as create);
--   login    again;
--   foreign  POST /create or /delete with a random foreign Origin (refused
--            before the body is read);
--   short    POST /login, a random well-formed account name of 8 to 32
--            characters that no account has, a random password (refused
--            as login; unlike an 8 KB one, the name is recorded).
-- Arguments (after "--"): the panel's own origin (http://127.0.0.1:PORT).
-- done() prints "requests N" and "status CODE N" for each status seen (a
-- socket error or timeout is counted as status 0).

local threads = {}
local counter = 0

-- Number each thread (for its random seed) and keep it for done().
function setup(thread)
	counter = counter + 1
	thread:set("thread_id", counter)
	table.insert(threads, thread)
end

local ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
local KINDS = {"create", "login", "delete", "login", "foreign", "short"}

-- A random string of n characters of ALNUM.
local function random_text(n)
	local t = {}
	for i = 1, n do
		local k = math.random(#ALNUM)
		t[i] = ALNUM:sub(k, k)
	end
	return table.concat(t)
end

-- Read the origin; make a pool of random text that 8 KB names are cut
-- from (building 8 KB afresh each time would slow wrk down).
function init(args)
	origin = args[1]
	math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
	pool = random_text(65536)
	sent = 0
	statuses = {}
end

-- A random 8 KB username: 24 fresh random characters, then 8,168 from a
-- random place in the pool.
local function long_name()
	local at = math.random(#pool - 8168)
	return random_text(24) .. pool:sub(at, at + 8167)
end

-- A urlencoded form body of alternating names and values (all ALNUM or
-- already encoded).
local function form(...)
	local f = {...}
	local out = {}
	for i = 1, #f, 2 do
		out[#out + 1] = f[i] .. "=" .. f[i + 1]
	end
	return table.concat(out, "&")
end

-- A random directory path, a few components deep.
local function random_path()
	local parts = {}
	for i = 1, math.random(1, 4) do
		parts[i] = random_text(math.random(1, 12))
	end
	return table.concat(parts, "%2F")
end

-- The next request, by the rotation of KINDS.
function request()
	local kind = KINDS[sent % #KINDS + 1]
	local headers = {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Origin"] = origin,
	}
	local body
	local path = "/create"
	sent = sent + 1
	if kind == "create" then
		body = form("csrf", random_text(43), "root", "home", "path", random_path(),
			"name", random_text(math.random(1, 40)), "target", random_path())
	elseif kind == "delete" then
		path = "/delete"
		headers["Cookie"] = "fp_session=" .. random_text(43)
		body = form("csrf", random_text(43), "root", "home", "path", random_path(),
			"name", random_text(math.random(1, 40)),
			"id", math.random(1, 1e9) .. "." .. math.random(1, 1e9) .. "." .. math.random(0, 999999999))
	elseif kind == "foreign" then
		if math.random(2) == 1 then path = "/delete" end
		headers["Origin"] = "https://" .. random_text(12):lower() .. ".example"
		body = form("csrf", random_text(43), "root", "home", "path", random_path(),
			"name", random_text(math.random(1, 40)))
	else
		path = "/login"
		local name = kind == "login" and long_name()
			or ("n" .. random_text(math.random(7, 31)))
		body = form("username", name, "password", random_text(math.random(8, 64)),
			"next", "")
	end
	return wrk.format("POST", path, headers, body)
end

-- Count the answers by status.
function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

-- Print the answers of all threads, by status.
function done(summary, latency, requests)
	local total = {}
	for _, thread in ipairs(threads) do
		local s = thread:get("statuses")
		for code, n in pairs(s) do
			total[code] = (total[code] or 0) + n
		end
	end
	local e = summary.errors
	total[0] = (total[0] or 0) + e.connect + e.read + e.write + e.timeout
	io.write(string.format("requests %d\n", summary.requests))
	for code, n in pairs(total) do
		io.write(string.format("status %d %d\n", code, n))
	end
end
