-- Deletes a never-published job with its indexes, as if it had never been submitted.
-- KEYS[1] job hash, KEYS[2] shard timers, KEYS[3] shard tenant index, KEYS[4] shard unfinished-jobs counters,
-- KEYS[5] idempotency key (only with a key)
-- ARGV[1] expected version, ARGV[2] id, ARGV[3] tenant
-- Returns 1 if deleted, 0 if the job changed, vanished or was published.
local stored = redis.call('HMGET', KEYS[1], 'v', 'doc')
if stored[1] ~= ARGV[1] or cjson.decode(stored[2]).published then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
if KEYS[5] and redis.call('GET', KEYS[5]) == ARGV[2] then
  redis.call('DEL', KEYS[5])
end
-- A never-published job is unfinished: it no longer counts against the tenant's in-flight cap.
if redis.call('HINCRBY', KEYS[4], ARGV[3], -1) <= 0 then
  redis.call('HDEL', KEYS[4], ARGV[3])
end
return 1
