-- Returns {version, name, node, name, node, ...}, all as strings.
local members = redis.call('HGETALL', owners)
table.insert(members, 1, redis.call('GET', version) or '0')
return members
