-- wrk script: POST the same signed body with a unique delivery id per request.
-- env: BENCH_BODY (file), BENCH_HMAC (signature header value), BENCH_RUN (id prefix)
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local run = os.getenv("BENCH_RUN") or "run"
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Shopify-Topic"] = "orders/create"
  wrk.headers["X-Shopify-Shop-Domain"] = "bench.myshopify.com"
  wrk.headers["X-Shopify-API-Version"] = "2024-10"
  wrk.headers["X-Shopify-Hmac-Sha256"] = os.getenv("BENCH_HMAC")
end

function request()
  counter = counter + 1
  wrk.headers["X-Shopify-Webhook-Id"] = string.format("%s-%d-%d", run, tid, counter)
  return wrk.format(nil, nil, nil, body)
end
