-- ARGV: channel, node. Removes the node and every name it holds; returns the version.
redis.call('ZREM', nodes, ARGV[2])
drop(names_of({[ARGV[2]] = true}))
return commit()
