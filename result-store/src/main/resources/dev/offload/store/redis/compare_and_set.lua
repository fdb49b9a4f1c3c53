-- Writes a job's next record if its version is still the expected one.
-- KEYS[1] job hash, KEYS[2] shard timers, KEYS[3] shard tenant index, KEYS[4] shard unfinished-jobs counters
-- ARGV[1] expected version, ARGV[2] new version, ARGV[3] doc, ARGV[4] expire-at ms, ARGV[5] deadline ms or '',
-- ARGV[6] id, ARGV[7] created-at ms, ARGV[8] event json, ARGV[9] event channel, ARGV[10] tenant,
-- ARGV[11] change of the tenant's unfinished jobs: -1 when the job finishes, +1 when a finished job runs again, else 0
-- Returns 1 if written, 0 if the job changed or vanished.
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
else
  redis.call('ZREM', KEYS[2], ARGV[6])
end
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[6])
local indexExpiry = redis.call('PEXPIRETIME', KEYS[3])
if indexExpiry < tonumber(ARGV[4]) then
  redis.call('PEXPIREAT', KEYS[3], ARGV[4])
end
if ARGV[11] ~= '0' then
  -- Guarded by the version check above, so a transition is counted once however often a worker retries it.
  if redis.call('HINCRBY', KEYS[4], ARGV[10], ARGV[11]) <= 0 then
    redis.call('HDEL', KEYS[4], ARGV[10])
  end
end
redis.call('PUBLISH', ARGV[9], ARGV[8])
return 1
