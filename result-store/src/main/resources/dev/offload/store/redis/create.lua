-- Creates jobs, each atomically with its indexes, honouring the tenant's idempotency key. One call creates one job or
-- several of one shard: group commit sends the jobs of a batch that share a shard together, so a batch costs one
-- script call per shard instead of one per job.
-- ARGV[1] the number of jobs; then per job its number of keys (4, or 5 with an idempotency key) and 8 arguments.
-- A job's keys, in KEYS in job order: [1] job hash, [2] shard timers, [3] shard tenant index, [4] shard
-- unfinished-jobs counters, [5] idempotency key (only with a key)
-- A job's arguments: [1] id, [2] doc, [3] expire-at ms, [4] deadline ms or '', [5] created-at ms,
-- [6] idempotency ttl ms, [7] job key prefix of this shard, [8] tenant
-- Returns per job, in order: {'created'}, {'duplicate', doc} or {'exists'}. Jobs are created in order, so a second
-- job with the idempotency key of an earlier one in the same call is its duplicate.
-- No job event is published: nobody can be waiting for a job whose id has not been returned yet.
-- A tenant index lives as long as its longest-living job; its expiry is read and raised once per call, after the
-- jobs, not once per job. Likewise the sorted-set additions and counter increments of all jobs go out as one command
-- per key after the loop (a redis.call costs about as much as the work of a small command): nothing in the loop reads
-- them, and the script is atomic, so no client sees the difference.
-- The job that an idempotency key points to is read through A[7]: it carries the same hash tag as K[5], because a
-- job with an idempotency key is created in the shard of that key.
local indexExpiry = {}
local sortedSets = {} -- key -> {score, member, score, member, ...}
local increments = {} -- key -> {field -> amount}

local function addLater(key, score, member)
  local list = sortedSets[key]
  if not list then
    list = {}
    sortedSets[key] = list
  end
  list[#list + 1] = score
  list[#list + 1] = member
end

local function incrementLater(key, field)
  local fields = increments[key]
  if not fields then
    fields = {}
    increments[key] = fields
  end
  fields[field] = (fields[field] or 0) + 1
end

local function create(K, A)
  if K[5] then
    local existingId = redis.call('GET', K[5])
    if existingId then
      local existing = redis.call('HGET', A[7] .. existingId, 'doc')
      if existing then
        return {'duplicate', existing}
      end
    end
  end
  if redis.call('EXISTS', K[1]) == 1 then
    return {'exists'}
  end
  redis.call('HSET', K[1], 'v', '1', 'doc', A[2])
  redis.call('PEXPIREAT', K[1], A[3])
  if A[4] ~= '' then
    addLater(K[2], A[4], A[1])
  end
  addLater(K[3], A[5], A[1])
  -- Stale entries of the index are dropped by listings.
  local expireAt = tonumber(A[3])
  if (indexExpiry[K[3]] or 0) < expireAt then
    indexExpiry[K[3]] = expireAt
  end
  if K[5] then
    redis.call('SET', K[5], A[1], 'PX', A[6])
  end
  -- A new job is unfinished (scheduled or queued): it counts against the tenant's in-flight cap until it finishes.
  -- A duplicate (idempotent re-submission) returned above and counted nothing.
  incrementLater(K[4], A[8])
  return {'created'}
end

local results = {}
local k, a = 1, 2
for i = 1, tonumber(ARGV[1]) do
  local keyCount = tonumber(ARGV[a])
  local K, A = {}, {}
  for j = 1, keyCount do
    K[j] = KEYS[k + j - 1]
  end
  for j = 1, 8 do
    A[j] = ARGV[a + j]
  end
  results[i] = create(K, A)
  k = k + keyCount
  a = a + 9
end
-- unpack() puts every argument on Lua's stack, which holds a few thousand: a gateway batch has at most 128 jobs, but
-- a caller's batch is not bounded here, so long lists go in chunks (of 500 score-member pairs).
for key, members in pairs(sortedSets) do
  for first = 1, #members, 1000 do
    redis.call('ZADD', key, unpack(members, first, math.min(first + 999, #members)))
  end
end
for key, fields in pairs(increments) do
  for field, amount in pairs(fields) do
    redis.call('HINCRBY', key, field, amount)
  end
end
for index, expireAt in pairs(indexExpiry) do
  if redis.call('PEXPIRETIME', index) < expireAt then
    redis.call('PEXPIREAT', index, expireAt)
  end
end
return results
