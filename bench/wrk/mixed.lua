-- Mixed load: 80% single-record reads, 10% view pages, 10% new records.
local app, n = os.getenv("APP"), tonumber(os.getenv("N"))
local auth = os.getenv("AUTH")
local page = os.getenv("PAGE")
math.randomseed(os.time())
request = function()
  local r = math.random(1, 10)
  local h = { ["X-Cybozu-Authorization"] = auth }
  if r <= 8 then
    return wrk.format("GET", "/k/v1/record.json?app=" .. app .. "&id=" .. math.random(1, n), h)
  elseif r == 9 then
    return wrk.format("GET", page, h)
  end
  h["Content-Type"] = "application/json"
  local body = '{"app":' .. app .. ',"record":{"種別":{"value":"誤薬"},"概要":{"value":"混在負荷の報告"},"状態":{"value":"未対応"}}}'
  return wrk.format("POST", "/k/v1/record.json", h, body)
end
