-- ARGV: channel, node, name, then the name's tokens. Returns the version.
local node, name = ARGV[2], ARGV[3]
if redis.call('HGET', owners, name) == node then
  redis.call('HDEL', owners, name)
  removed[1] = name
  for i = 4, #ARGV do
    if redis.call('HGET', tokens, ARGV[i]) == name then redis.call('HDEL', tokens, ARGV[i]) end
  end
end
return commit()
