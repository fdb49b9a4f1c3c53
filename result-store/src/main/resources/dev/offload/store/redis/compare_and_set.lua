-- Writes a job's next record if its version is still the expected one.
-- KEYS[1] job hash, KEYS[2] shard timers, KEYS[3] shard tenant index, KEYS[4] shard unfinished-jobs counters,
-- KEYS[5] the tenant's webhook marker in this shard, KEYS[6] the shard's webhook outbox stream
-- ARGV[1] expected version, ARGV[2] new version, ARGV[3] doc, ARGV[4] expire-at ms, ARGV[5] deadline ms or '',
-- ARGV[6] id, ARGV[7] created-at ms, ARGV[8] event json, ARGV[9] event channel, ARGV[10] tenant,
-- ARGV[11] change of the tenant's unfinished jobs: -1 when the job finishes, +1 when a finished job runs again, else 0,
-- ARGV[12] webhook event type or '' (job.succeeded, job.progress, ...), ARGV[13] '1' if the job has a callbackUrl
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
-- The webhook outbox entry is written in the same atomic step as the transition, so an event cannot be lost between
-- the two (a worker dying right after the write leaves the entry for a dispatcher). Jobs of tenants without endpoints
-- and without a callbackUrl cost nothing here beyond one EXISTS.
if ARGV[12] ~= '' and (ARGV[13] == '1' or redis.call('EXISTS', KEYS[5]) == 1) then
  -- Progress is coalesced: while one progress entry of the job waits in the outbox, later reports add none (the
  -- dispatcher clears the flag and sends the job as it is then).
  if ARGV[12] ~= 'job.progress' or redis.call('HSETNX', KEYS[1], 'hp', '1') == 1 then
    redis.call('XADD', KEYS[6], '*', 'type', ARGV[12], 'job', ARGV[6], 'doc', ARGV[3])
  end
end
redis.call('PUBLISH', ARGV[9], ARGV[8])
return 1
