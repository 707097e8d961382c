-- post.lua - wrk script: POST PATH with FIELD=<item>, each request with an
-- item (a pickup card, a voucher code) no other request uses.  Each wrk
-- thread takes every n-th line of DIR/FILE; a thread that runs out sends
-- used items (409s).  Arguments: DIR NTHREADS FILE PATH FIELD [EXTRA].
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  local f = io.open(dir .. "/member.env")
  cookie = f:read("*l")
  csrf = f:read("*l")
  f:close()
  cards = {}
  local n, i = tonumber(args[2]), 0
  file, path, field, extra = args[3], args[4], args[5], args[6] or ""
  for line in io.lines(dir .. "/" .. file) do
    if i % n == id then table.insert(cards, line) end
    i = i + 1
  end
  next_card = 1
end

function request()
  local card = cards[next_card] or cards[1]
  next_card = next_card + 1
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf=" .. csrf .. "&" .. field .. "=" .. card .. extra)
end
