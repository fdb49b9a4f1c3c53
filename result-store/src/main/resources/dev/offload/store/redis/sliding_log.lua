-- The alternative to gcra.lua measured by RateLimitScriptBench (docs/performance.md): an exact sliding window kept
-- as a log of admitted requests in a sorted set. Not used by the gateway.
-- KEYS[1] bucket
-- ARGV[1] limit, ARGV[2] window ms, ARGV[3] a member unique to this request
-- Returns {admitted 1/0, remaining, reset ms, retry-after ms}, like gcra.lua.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = tonumber(oldest[2]) + window - now
  return {0, 0, retry, retry}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, limit - count - 1, window, 0}
