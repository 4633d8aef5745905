-- wrk script: counts 2xx and non-2xx responses in every thread and prints one line at the
-- end that the bench scripts parse:
--   RESULT requests=N responses=N ok=N non2xx=N connect=N read=N write=N timeout=N failed=N
-- requests = responses + socket errors (connect, read, write, timeout): every request that
-- was sent or tried; failed = non2xx + socket errors.
-- Usage: wrk -s bench/lib/wrk-status.lua ...

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	ok = 0
	non2xx = 0
end

function response(status, headers, body)
	if status >= 200 and status < 300 then
		ok = ok + 1
	else
		non2xx = non2xx + 1
	end
end

function done(summary, latency, requests)
	local okTotal, non2xxTotal = 0, 0
	for _, thread in ipairs(threads) do
		okTotal = okTotal + thread:get("ok")
		non2xxTotal = non2xxTotal + thread:get("non2xx")
	end
	local e = summary.errors
	local socketErrors = e.connect + e.read + e.write + e.timeout
	io.write(string.format(
		"RESULT requests=%d responses=%d ok=%d non2xx=%d connect=%d read=%d write=%d timeout=%d failed=%d\n",
		summary.requests + socketErrors, summary.requests, okTotal, non2xxTotal,
		e.connect, e.read, e.write, e.timeout, non2xxTotal + socketErrors))
end
