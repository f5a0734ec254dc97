-- NocoDB: GET one record of table TABLE by a random id among N.
local table, n = os.getenv("TABLE"), tonumber(os.getenv("N"))
wrk.headers["xc-token"] = os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v2/tables/" .. table .. "/records/" .. math.random(1, n))
end
