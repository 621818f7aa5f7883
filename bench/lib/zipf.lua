-- wrk script for bench/scale.sh: each request's path is drawn from the file named by the
-- PATHS environment variable with a Zipf-like skew (rank r with probability ~ 1/r: the index is
-- N^u for a uniform u), so a few paths are hot and most of a large catalog is cold, as in a real
-- shop. The file is shuffled by the generator, so rank 1 is not the first product created.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local n = #paths

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init()
  math.randomseed(seed or os.time())
end

function request()
  local index = math.floor(n ^ math.random())
  if index < 1 then index = 1 elseif index > n then index = n end
  return wrk.format("GET", paths[index])
end
