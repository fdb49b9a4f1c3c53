-- Claims due deliveries: returns up to ARGV[3] ids due at ARGV[1] and pushes each to ARGV[2], so that no other
-- dispatcher takes them meanwhile and a dispatcher that dies leaves them to be found again.
-- KEYS[1] due zset
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
end
return ids
