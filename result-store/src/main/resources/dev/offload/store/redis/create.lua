-- Creates a job atomically with its indexes, honouring the tenant's idempotency key.
-- KEYS[1] job hash, KEYS[2] shard timers, KEYS[3] shard tenant index, KEYS[4] shard unfinished-jobs counters,
-- KEYS[5] idempotency key (only with a key)
-- ARGV[1] id, ARGV[2] doc, ARGV[3] expire-at ms, ARGV[4] deadline ms or '', ARGV[5] created-at ms,
-- ARGV[6] idempotency ttl ms, ARGV[7] job key prefix of this shard, ARGV[8] tenant
-- Returns {'created'}, {'duplicate', doc} or {'exists'}.
-- No job event is published: nobody can be waiting for a job whose id has not been returned yet.
-- The job that an idempotency key points to is read through ARGV[7]: it carries the same hash tag as KEYS[5],
-- because a job with an idempotency key is created in the shard of that key.
if KEYS[5] then
  local existingId = redis.call('GET', KEYS[5])
  if existingId then
    local existing = redis.call('HGET', ARGV[7] .. existingId, 'doc')
    if existing then
      return {'duplicate', existing}
    end
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'exists'}
end
redis.call('HSET', KEYS[1], 'v', '1', 'doc', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
-- The tenant index lives as long as its longest-living job; stale entries are dropped by listings.
local indexExpiry = redis.call('PEXPIRETIME', KEYS[3])
if indexExpiry < tonumber(ARGV[3]) then
  redis.call('PEXPIREAT', KEYS[3], ARGV[3])
end
if KEYS[5] then
  redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[6])
end
-- A new job is unfinished (scheduled or queued): it counts against the tenant's in-flight cap until it finishes.
-- A duplicate (idempotent re-submission) returned above and counted nothing.
redis.call('HINCRBY', KEYS[4], ARGV[8], 1)
return {'created'}
