-- Writes a delivery and its schedule together.
-- KEYS[1] delivery key, KEYS[2] due zset; ARGV[1] id, ARGV[2] doc, ARGV[3] next due ms or '', ARGV[4] retention ms
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
