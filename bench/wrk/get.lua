-- GET record.json for a random record of app APP among N records.
local app, n = os.getenv("APP"), tonumber(os.getenv("N"))
wrk.headers["X-Cybozu-Authorization"] = os.getenv("AUTH")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/k/v1/record.json?app=" .. app .. "&id=" .. math.random(1, n))
end
