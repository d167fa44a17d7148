-- Spends one request of each budget named in KEYS, all of them or none: GCRA, the generic cell
-- rate algorithm governor counts with in memory, so a budget means the same on Redis.
--
-- KEYS[i]     a budget's key; its value is the theoretical arrival time (TAT) in microseconds.
-- ARGV[2i-1]  that budget's emission interval in microseconds (its period / its count).
-- ARGV[2i]    its burst (its count).
--
-- Returns {0, 0} when every budget had room (each is then spent), or {1, wait} with the
-- longest wait in microseconds among the empty ones (nothing is spent then).
--
-- The clock is Redis' own (TIME), so every instance reads the same one whatever its host's
-- clock says. A key lives only while it holds something (PX = TAT - now): after that an absent
-- key means the same as a full budget, so Redis forgets budgets by itself.

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local tats = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then
    tat = now
  end
  local next_tat = tat + interval
  -- The request conforms when it does not come earlier than `burst` intervals before its TAT.
  local allowed_at = next_tat - interval * burst
  if allowed_at > now then
    wait = math.max(wait, allowed_at - now)
  end
  tats[i] = next_tat
end

if wait > 0 then
  return {1, wait}
end

for i, key in ipairs(KEYS) do
  -- %d, not tostring: Lua 5.1 prints a double with 14 digits, which would drop microseconds.
  redis.call('SET', key, string.format('%d', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000))
end
return {0, 0}
