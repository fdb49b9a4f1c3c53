-- Creates deliveries that do not exist yet (recording one outbox event twice creates nothing the second time).
-- KEYS[1] due zset, then for each delivery: its key, the log of its endpoint (or the tenant's callback log), the
-- log of its job.
-- ARGV[1] retention ms, then for each delivery: id, doc, due ms, created ms.
-- Returns how many were created.
local created = 0
local n = (#KEYS - 1) / 3
for i = 0, n - 1 do
  local k = 2 + i * 3
  local a = 2 + i * 4
  if redis.call('EXISTS', KEYS[k]) == 0 then
    redis.call('SET', KEYS[k], ARGV[a + 1], 'PX', ARGV[1])
    redis.call('ZADD', KEYS[1], ARGV[a + 2], ARGV[a])
    for j = 1, 2 do
      redis.call('ZADD', KEYS[k + j], ARGV[a + 3], ARGV[a])
      redis.call('ZREMRANGEBYRANK', KEYS[k + j], 0, -1001)
      redis.call('PEXPIRE', KEYS[k + j], ARGV[1])
    end
    created = created + 1
  end
end
return created
