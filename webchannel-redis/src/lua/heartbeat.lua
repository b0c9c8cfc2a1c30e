-- ARGV: channel, node, ttl (ms). Returns {was missing (0 or 1), version}.
reap()
local missing = refresh(ARGV[2], ARGV[3])
return {missing, commit()}
