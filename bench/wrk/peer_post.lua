-- NocoDB: POST one new incident report per request (the fields of post.lua).
wrk.method = "POST"
wrk.headers["xc-token"] = os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
local path = "/api/v2/tables/" .. os.getenv("TABLE") .. "/records"
local i = 0
request = function()
  i = i + 1
  local body = '{"事業所名":"ベンチ施設","報告日":"2025-06-01","種別":"転倒","関係者数":' .. (i % 9 + 1) ..
    ',"概要":"利用者が廊下でふらつき転倒した。","担当者":"staff01","状態":"未対応"}'
  return wrk.format(nil, path, nil, body)
end
