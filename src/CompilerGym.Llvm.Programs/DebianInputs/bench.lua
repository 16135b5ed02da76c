-- A deterministic workload for the debian-v0 lua benchmark: tables, strings, closures,
-- coroutines, metatables, integer and float arithmetic. Prints results only, never times.

local function lcg(seed)
  local state = seed
  return function(bound)
    state = (state * 1103515245 + 12345) % 2147483648
    return state % bound
  end
end

-- Sieve of Eratosthenes.
local function primes(limit)
  local composite, found = {}, {}
  for i = 2, limit do
    if not composite[i] then
      found[#found + 1] = i
      for j = i * i, limit, i do composite[j] = true end
    end
  end
  return found
end
local p = primes(60000)
print("primes", #p, p[#p])

-- Sorting records with a comparator.
local rand = lcg(42)
local people = {}
for i = 1, 6000 do
  people[i] = { name = string.format("n%05d", rand(100000)), age = rand(90), score = rand(1000) / 7 }
end
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
print("sorted", people[1].name, people[#people].name, string.format("%.4f", people[3000].score))

-- String building, pattern matching and substitution.
local words = {}
for i = 1, 4000 do words[i] = string.char(97 + rand(26), 97 + rand(26), 97 + rand(26)) end
local text = table.concat(words, " ")
local vowels = select(2, text:gsub("[aeiou]", ""))
local counts = {}
for w in text:gmatch("%a+") do counts[w] = (counts[w] or 0) + 1 end
local distinct, top, best = 0, nil, 0
for w, c in pairs(counts) do
  distinct = distinct + 1
  if c > best or (c == best and w < top) then top, best = w, c end
end
print("text", #text, vowels, distinct, top, best, text:upper():sub(1, 23), text:reverse():sub(1, 11))

-- Coroutines: a generator of Fibonacci numbers modulo a prime.
local fib = coroutine.wrap(function()
  local a, b = 0, 1
  while true do coroutine.yield(a); a, b = b, (a + b) % 1000000007 end
end)
local sum = 0
for _ = 1, 50000 do sum = (sum + fib()) % 1000000007 end
print("fib", sum)

-- Metatables: a small vector type.
local Vec = {}
Vec.__index = Vec
Vec.__add = function(u, v) return setmetatable({ x = u.x + v.x, y = u.y + v.y }, Vec) end
Vec.__mul = function(u, k) return setmetatable({ x = u.x * k, y = u.y * k }, Vec) end
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec:length() return math.sqrt(self.x * self.x + self.y * self.y) end
local acc = Vec.new(0, 0)
for i = 1, 30000 do acc = acc + Vec.new(math.sin(i), math.cos(i)) * (1 / i) end
print("vector", string.format("%.10f %.10f %.10f", acc.x, acc.y, acc:length()))

-- Integer arithmetic, bit operations and a closure-based memo.
local memo = {}
local function collatz(n)
  if n == 1 then return 0 end
  if memo[n] then return memo[n] end
  local steps = 1 + collatz(n % 2 == 0 and n // 2 or 3 * n + 1)
  memo[n] = steps
  return steps
end
local longest, at = 0, 0
for n = 1, 30000 do
  local s = collatz(n)
  if s > longest then longest, at = s, n end
end
local bits = 0
for i = 1, 100000 do bits = bits ~ ((i << 3) | (i >> 2)) & 0xFFFFFF end
print("integers", longest, at, bits, math.tointeger(2^53) // 3, 7 % -3, -7 // 2)
