-- Creates jobs of one shard, each atomically with its indexes, honouring the tenant's idempotency key. Group commit
-- sends the jobs of a batch that share a shard together, so a batch costs one script call per shard, not per job.
-- KEYS[1] the shard's timers, KEYS[2] the shard's unfinished-jobs counters; then per job, in job order: its hash, its
-- tenant's index in the shard, and its idempotency key if it has one.
-- ARGV[1] the shard's job key prefix; then 7 per job: [1] id, [2] doc, [3] expire-at ms, [4] deadline ms or '',
-- [5] created-at ms, [6] tenant, [7] idempotency ttl ms, or '' for a job without an idempotency key (2 keys, not 3).
-- Returns {status, doc, doc, ...}: status has one character per job, in order: 'c' created, 'e' a job with its id
-- exists already, 'd' a duplicate of the job that its idempotency key points to, whose document follows the status,
-- one per 'd' in order. Jobs are created in order, so a second job with the key of an earlier one in the same call
-- is its duplicate.
-- No job event is published: nobody can be waiting for a job whose id has not been returned yet.
-- What every job of the call shares (the shard's keys, the key prefix) is sent once, and the answer is one flat list:
-- each argument becomes a Lua string and each reply element a conversion, which cost as much as the commands did.
-- Likewise the sorted-set additions and counter increments of all jobs go out as one command per key after the loop
-- (a redis.call costs about as much as the work of a small command): nothing in the loop reads them, and the script
-- is atomic, so no client sees the difference. A tenant index lives as long as its longest-living job; its expiry is
-- read and raised once per call.
-- The job that an idempotency key points to is read through ARGV[1]: it carries the same hash tag as the key,
-- because a job with an idempotency key is created in the shard of that key.
local timers, counters, jobPrefix = KEYS[1], KEYS[2], ARGV[1]
local status, duplicates = {}, {}
local timerMembers = {} -- score, member, score, member, ...
local indexMembers = {} -- index key -> {score, member, ...}
local indexExpiry = {} -- index key -> latest expire-at ms
local createdPerTenant = {} -- tenant -> jobs created

local function existingDuplicate(idempotencyKey)
  local existingId = redis.call('GET', idempotencyKey)
  if existingId then
    return redis.call('HGET', jobPrefix .. existingId, 'doc')
  end
  return nil
end

local k, a = 3, 2
for i = 1, (#ARGV - 1) / 7 do
  local job, index, idempotencyTtl = KEYS[k], KEYS[k + 1], ARGV[a + 6]
  local idempotencyKey = nil
  if idempotencyTtl ~= '' then
    idempotencyKey = KEYS[k + 2]
    k = k + 3
  else
    k = k + 2
  end
  local duplicate = idempotencyKey and existingDuplicate(idempotencyKey)
  if duplicate then
    status[i] = 'd'
    duplicates[#duplicates + 1] = duplicate
  elseif redis.call('EXISTS', job) == 1 then
    status[i] = 'e'
  else
    local id, expireAt, deadline, tenant = ARGV[a], ARGV[a + 2], ARGV[a + 3], ARGV[a + 5]
    redis.call('HSET', job, 'v', '1', 'doc', ARGV[a + 1])
    redis.call('PEXPIREAT', job, expireAt)
    if deadline ~= '' then
      timerMembers[#timerMembers + 1] = deadline
      timerMembers[#timerMembers + 1] = id
    end
    local members = indexMembers[index]
    if not members then
      members = {}
      indexMembers[index] = members
    end
    members[#members + 1] = ARGV[a + 4]
    members[#members + 1] = id
    -- Stale entries of the index are dropped by listings.
    local expiry = tonumber(expireAt)
    if (indexExpiry[index] or 0) < expiry then
      indexExpiry[index] = expiry
    end
    if idempotencyKey then
      redis.call('SET', idempotencyKey, id, 'PX', idempotencyTtl)
    end
    -- A new job is unfinished (scheduled or queued): it counts against the tenant's in-flight cap until it finishes.
    -- A duplicate (idempotent re-submission) counted nothing.
    createdPerTenant[tenant] = (createdPerTenant[tenant] or 0) + 1
    status[i] = 'c'
  end
  a = a + 7
end

-- unpack() puts every argument on Lua's stack, which holds a few thousand: a gateway batch has at most 128 jobs, but
-- a caller's batch is not bounded here, so long lists go in chunks (of 500 score-member pairs).
local function addAll(key, members)
  for first = 1, #members, 1000 do
    redis.call('ZADD', key, unpack(members, first, math.min(first + 999, #members)))
  end
end
addAll(timers, timerMembers)
for index, members in pairs(indexMembers) do
  addAll(index, members)
end
for tenant, created in pairs(createdPerTenant) do
  redis.call('HINCRBY', counters, tenant, created)
end
for index, expiry in pairs(indexExpiry) do
  if redis.call('PEXPIRETIME', index) < expiry then
    redis.call('PEXPIREAT', index, expiry)
  end
end
local reply = {table.concat(status)}
for i = 1, #duplicates do
  reply[i + 1] = duplicates[i]
end
return reply
