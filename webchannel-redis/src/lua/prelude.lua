-- Shared by every script of one claim set, which run atomically.
-- KEYS: owners (hash: name -> node), tokens (hash: token -> name), nodes (sorted set:
-- node -> when its presence expires, in ms of Redis's clock), version (integer).
-- ARGV[1]: the channel each change is published on.
local owners, tokens, nodes, version = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local removed, added = {}, {}

-- Removes the names in `names` (a set) and the tokens they hold.
local function drop(names)
  local any = false
  for name in pairs(names) do
    if redis.call('HDEL', owners, name) == 1 then
      removed[#removed + 1] = name
      any = true
    end
  end
  if not any then return end
  local held = redis.call('HGETALL', tokens)
  for i = 1, #held, 2 do
    if names[held[i + 1]] then redis.call('HDEL', tokens, held[i]) end
  end
end

-- The names held by the nodes in `gone` (a set), as a set.
local function names_of(gone)
  local names = {}
  local all = redis.call('HGETALL', owners)
  for i = 1, #all, 2 do
    if gone[all[i + 1]] then names[all[i]] = true end
  end
  return names
end

-- Forgets every node whose presence has expired, and its names.
local function reap()
  local dead = redis.call('ZRANGEBYSCORE', nodes, '-inf', '(' .. now)
  if #dead == 0 then return end
  local gone = {}
  for _, node in ipairs(dead) do
    gone[node] = true
    redis.call('ZREM', nodes, node)
  end
  drop(names_of(gone))
end

-- Keeps `node` present for `ttl` ms; 1 if the set had forgotten it.
local function refresh(node, ttl)
  return redis.call('ZADD', nodes, now + tonumber(ttl), node)
end

-- Whether `node` may hold `name` excluding `toks`: no other node holds the name, and
-- no other name holds one of the tokens.
local function free_for(node, name, toks)
  local owner = redis.call('HGET', owners, name)
  if owner then return owner == node end
  for _, token in ipairs(toks) do
    local holder = redis.call('HGET', tokens, token)
    if holder and holder ~= name and redis.call('HEXISTS', owners, holder) == 1 then
      return false
    end
  end
  return true
end

-- Gives `name` and its tokens to `node`.
local function add(node, name, toks)
  if redis.call('HGET', owners, name) == node then return end
  redis.call('HSET', owners, name, node)
  for _, token in ipairs(toks) do redis.call('HSET', tokens, token, name) end
  added[#added + 1] = {name, node}
end

-- Publishes what changed as one new version; returns the version.
local function commit()
  if #removed == 0 and #added == 0 then
    return tonumber(redis.call('GET', version) or '0')
  end
  local v = redis.call('INCR', version)
  local change = {v = v}
  if #removed > 0 then change.del = removed end
  if #added > 0 then change.add = added end
  redis.call('PUBLISH', ARGV[1], cjson.encode(change))
  return v
end

