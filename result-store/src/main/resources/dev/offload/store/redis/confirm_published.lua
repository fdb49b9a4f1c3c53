-- Records that the broker confirmed a queued job's message: drops its publish timer, so that the scheduler does not
-- publish it again. Only if the job is still at the expected version: any later write (a worker's claim, a
-- cancellation) has set the timer it needs, such as a running job's lease expiry, and that one must stay.
-- The record is not rewritten and no event is published: nothing a reader sees changes.
-- KEYS[1] job hash, KEYS[2] shard timers
-- ARGV[1] expected version, ARGV[2] id
-- Returns 1 if the timer was dropped (or already gone), 0 if the job changed or vanished.
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
