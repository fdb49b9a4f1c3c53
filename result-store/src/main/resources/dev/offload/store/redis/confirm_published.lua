-- Records that the broker confirmed the messages of queued jobs of one shard: drops each job's publish timer, so
-- that the scheduler does not publish it again. Only for a job still at the expected version: any later write (a
-- worker's claim, a cancellation) has set the timer it needs, such as a running job's lease expiry, and that one must
-- stay. The records are not rewritten and no event is published: nothing a reader sees changes.
-- KEYS[1] the shard's timers, KEYS[1 + i] the hash of job i
-- ARGV[2i - 1] the expected version of job i, ARGV[2i] its id
-- Returns per job, in order: 1 if the timer was dropped (or already gone), 0 if the job changed or vanished.
-- The timers are dropped by one ZREM after the checks (in chunks, for Lua's stack), not one per job.
local results = {}
local confirmed = {}
for i = 1, #KEYS - 1 do
  if redis.call('HGET', KEYS[1 + i], 'v') == ARGV[2 * i - 1] then
    confirmed[#confirmed + 1] = ARGV[2 * i]
    results[i] = 1
  else
    results[i] = 0
  end
end
for first = 1, #confirmed, 1000 do
  redis.call('ZREM', KEYS[1], unpack(confirmed, first, math.min(first + 999, #confirmed)))
end
return results
