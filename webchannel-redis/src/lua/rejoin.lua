-- ARGV: channel, node, ttl (ms), then for each claim: name, token count, tokens.
-- Makes the set hold exactly these claims for the node: free ones are taken again, those
-- another node holds meanwhile are lost, others the set still gives the node are removed.
-- Returns {version, lost names...}, all as strings.
reap()
local node = ARGV[2]
refresh(node, ARGV[3])
local claims, keep = {}, {}
local i = 4
while i <= #ARGV do
  local name, count = ARGV[i], tonumber(ARGV[i + 1])
  local toks = {}
  for j = 1, count do toks[j] = ARGV[i + 1 + j] end
  claims[#claims + 1] = {name, toks}
  keep[name] = true
  i = i + 2 + count
end
local stale = {}
local all = redis.call('HGETALL', owners)
for k = 1, #all, 2 do
  if all[k + 1] == node and not keep[all[k]] then stale[all[k]] = true end
end
drop(stale)
local lost = {}
for _, claim in ipairs(claims) do
  if free_for(node, claim[1], claim[2]) then
    add(node, claim[1], claim[2])
  else
    lost[#lost + 1] = claim[1]
  end
end
local result = {tostring(commit())}
for _, name in ipairs(lost) do result[#result + 1] = name end
return result
