-- Deletes a never-published job with its indexes, as if it had never been submitted.
-- KEYS[1] job hash, KEYS[2] shard timers, KEYS[3] shard tenant index, KEYS[4] idempotency key (only with a key)
-- ARGV[1] expected version, ARGV[2] id
-- Returns 1 if deleted, 0 if the job changed, vanished or was published.
local stored = redis.call('HMGET', KEYS[1], 'v', 'doc')
if stored[1] ~= ARGV[1] or cjson.decode(stored[2]).published then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
if KEYS[4] and redis.call('GET', KEYS[4]) == ARGV[2] then
  redis.call('DEL', KEYS[4])
end
return 1
