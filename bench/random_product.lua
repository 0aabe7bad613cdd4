-- wrk script: GET /products/{id} for a random id in 1..1000 (ids warmed into the cache first).
math.randomseed(42)
request = function()
  return wrk.format("GET", "/products/" .. math.random(1, 1000))
end
