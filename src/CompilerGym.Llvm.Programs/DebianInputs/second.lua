-- The debian-v0 lua benchmark's second input, which validation runs besides bench.lua: other
-- features (formatting, substitution, closures, integer/float maths, errors). Deterministic output.

-- string.format over integers, floats and strings.
local rows = {}
for i = 1, 2000 do
  rows[#rows + 1] = string.format("%5d|%-8s|%10.3f|%x|%q", i * 37 % 1009, ("r" .. i):rep(2), i / 7, i * 4099, "a\tb" .. i)
end
print("format", #rows, rows[1], rows[2000])

-- gsub with patterns, captures, a table and a function as replacements.
local text = table.concat(rows, "\n")
local digits = select(2, text:gsub("%d", ""))
local swapped = ("key=value; alpha=beta; one=two"):gsub("(%w+)=(%w+)", "%2=%1")
local expanded = ("$name is $age, $missing"):gsub("%$(%w+)", { name = "Lua", age = "5.4" })
local shouted = ("several words in a line"):gsub("%w+", function(w) return #w > 4 and w:upper() or nil end)
print("gsub", digits, swapped, expanded, shouted)

-- Closures: counters sharing and not sharing upvalues, a memoizing wrapper.
local function counter(step)
  local n = 0
  return function() n = n + step; return n end, function() return n end
end
local inc1, get1 = counter(1)
local inc3, get3 = counter(3)
for _ = 1, 1000 do inc1(); inc3() end
local function memoize(f)
  local cache = {}
  return function(k) local v = cache[k]; if v == nil then v = f(k); cache[k] = v end; return v end
end
local binomial
binomial = memoize(function(k)
  local n, r = k // 1000, k % 1000
  if r == 0 or r == n then return 1 end
  return (binomial((n - 1) * 1000 + r - 1) + binomial((n - 1) * 1000 + r)) % 1000000007
end)
print("closures", get1(), get3(), binomial(400 * 1000 + 200))

-- table.concat, table.insert/remove, table.unpack, sorting with a key.
local t = {}
for i = 1, 500 do table.insert(t, 1, i * i % 97) end
for _ = 1, 100 do table.remove(t, 3) end
table.sort(t, function(a, b) return a % 10 < b % 10 or (a % 10 == b % 10 and a < b) end)
print("tables", #t, table.concat(t, ",", 1, 12), select("#", table.unpack(t, 1, 50)))

-- Integer and float maths: overflow wraps, floor division and modulo signs, conversions.
local acc, facc = 0, 0.0
for i = 1, 200000 do
  acc = acc * 31 + i
  facc = facc + math.sqrt(i) / (i % 13 + 1)
end
print("maths", acc, math.maxinteger + 1 == math.mininteger, 17 // -5, 17 % -5, -17.5 // 4, 2^-3,
  string.format("%.6f %.3e %g", facc, facc, 1 / 3), math.type(3 // 1), math.type(3 / 1), math.tointeger(5.0), 0x7fffffff * 3)

-- error and pcall: strings, tables as errors, error levels, xpcall with a handler.
local function risky(n)
  if n % 3 == 0 then error({ code = n }) end
  if n % 3 == 1 then error("bad value " .. n, 0) end
  return n * 2
end
local results = {}
for n = 1, 9 do
  local ok, value = pcall(risky, n)
  results[#results + 1] = ok and tostring(value) or type(value) == "table" and ("code" .. value.code) or value
end
local _, message = xpcall(function() return nil + 1 end, function(m) return "handled: " .. m:gsub("^.-:%d+: ", "") end)
print("errors", table.concat(results, "/"), message, select(2, pcall(error)))
