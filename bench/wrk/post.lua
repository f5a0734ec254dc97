-- POST record.json: one new incident report per request.
wrk.method = "POST"
wrk.headers["X-Cybozu-Authorization"] = os.getenv("AUTH")
wrk.headers["Content-Type"] = "application/json"
local app = os.getenv("APP")
local i = 0
request = function()
  i = i + 1
  local body = '{"app":' .. app .. ',"record":{"事業所名":{"value":"ベンチ施設"},"報告日":{"value":"2025-06-01"},' ..
    '"種別":{"value":"転倒"},"関係者数":{"value":"' .. (i % 9 + 1) .. '"},' ..
    '"概要":{"value":"利用者が廊下でふらつき転倒した。"},"担当者":{"value":[{"code":"staff01"}]},"状態":{"value":"未対応"}}}'
  return wrk.format(nil, nil, nil, body)
end
