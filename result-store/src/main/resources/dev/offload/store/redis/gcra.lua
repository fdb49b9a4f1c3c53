-- Admits one request to a rate-limit bucket with GCRA (the generic cell rate algorithm): the bucket is one number,
-- its theoretical arrival time (TAT). Every admitted request moves the TAT on by window/limit; a request is refused
-- while the TAT lies more than one window ahead. Time is Redis's own clock, so all gateways share one clock.
-- KEYS[1] bucket
-- ARGV[1] limit (requests per window), ARGV[2] window ms
-- Returns {admitted 1/0, remaining, reset ms (until the whole quota is back), retry-after ms (0 when admitted)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = window / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local nextTat = tat + interval
local allowedFrom = nextTat - window
if allowedFrom > now then
  return {0, 0, math.ceil(tat - now), math.ceil(allowedFrom - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now))
return {1, math.floor((now + window - nextTat) / interval + 1e-9), math.ceil(nextTat - now), 0}
