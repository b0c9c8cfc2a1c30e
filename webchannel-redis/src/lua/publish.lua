-- ARGV: channel, deadline (ms, Redis's clock), batch.
-- Publishes the batch unless its deadline has passed. The sender stops waiting for an
-- answer at the deadline and tells its caller the frames were not sent; a batch Redis
-- reaches later (it hung, or the sender's connection was slow) is therefore not
-- delivered either. Returns the number of receivers, or -1 when it came too late.
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if now_ms > tonumber(ARGV[2]) then
  return -1
end
return redis.call('PUBLISH', ARGV[1], ARGV[3])
