-- wrk script: single-record JSON ingest, one POST per request
wrk.method = "POST"
wrk.body   = '{"orderId":42,"customerId":"customer-7","amount":123.45}'
wrk.headers["Content-Type"] = "application/json"
