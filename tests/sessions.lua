-- sessions.lua - wrk script: POSTs each from a member of its own, prepared
-- by bench.sh one a line ("PATH COOKIE BODY", the body with the session's
-- csrf), each sent once.  Each wrk thread takes every n-th line of
-- DIR/FILE; a thread that runs out sends its first again (a 409).
-- Arguments: DIR NTHREADS FILE.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir, n, i = args[1], tonumber(args[2]), 0
  reqs = {}
  for line in io.lines(dir .. "/" .. args[3]) do
    if i % n == id then table.insert(reqs, line) end
    i = i + 1
  end
  next_req = 1
end

function request()
  local line = reqs[next_req] or reqs[1]
  next_req = next_req + 1
  local path, cookie, body = line:match("^(%S+) (%S+) (%S+)$")
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
