-- ARGV: channel, node, ttl (ms), name, then the name's tokens.
-- Returns {claimed (0 or 1), version, was missing (0 or 1)}.
reap()
local node, name = ARGV[2], ARGV[4]
local missing = refresh(node, ARGV[3])
local toks = {}
for i = 5, #ARGV do toks[#toks + 1] = ARGV[i] end
local claimed = free_for(node, name, toks)
if claimed then add(node, name, toks) end
return {claimed and 1 or 0, commit(), missing}
