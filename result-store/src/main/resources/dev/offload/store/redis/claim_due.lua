-- Claims candidate timers of one shard: each still-due timer is pushed to the hold time, so that a concurrent
-- scheduler that read the same candidates does not claim them too. Timers of expired jobs are dropped.
-- KEYS[1] shard timers
-- ARGV[1] now ms, ARGV[2] hold-until ms, ARGV[3] job key prefix of this shard, ARGV[4..] candidate ids
-- Returns the claimed ids.
local claimed = {}
local now = tonumber(ARGV[1])
for i = 4, #ARGV do
  local id = ARGV[i]
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) <= now then
    if redis.call('EXISTS', ARGV[3] .. id) == 1 then
      redis.call('ZADD', KEYS[1], ARGV[2], id)
      claimed[#claimed + 1] = id
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
return claimed
