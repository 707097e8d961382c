-- pickup.lua - wrk script: POST /user/pickup/confirm, each request with a
-- card no other request uses.  Each wrk thread takes every n-th card of
-- var/bench/cards.txt; a thread that runs out sends used cards (409s).
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  local f = io.open(dir .. "/pickup.lua.env")
  cookie = f:read("*l")
  csrf = f:read("*l")
  f:close()
  cards = {}
  local n, i = tonumber(args[2]), 0
  for line in io.lines(dir .. "/cards.txt") do
    if i % n == id then table.insert(cards, line) end
    i = i + 1
  end
  next_card = 1
end

function request()
  local card = cards[next_card] or cards[1]
  next_card = next_card + 1
  return wrk.format("POST", "/user/pickup/confirm", {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf=" .. csrf .. "&card=" .. card .. "&os=debian12")
end
