"""Seeds a fresh partsdesk server for the conformance run: a dealer with an owner, staff, a
catalog, a customer with a shop key, an inquiry with a sent quote, an order and a webhook, so
that operations with ids in their paths are tried on real ones as well as on made-up ones.

Prints `export NAME=value` lines for the shell; the run's configuration reads them.
Resources the run may delete or archive get one of their own, so that deleting them does not
take the shop key or the catalog from the other operations.
"""

import json
import sys
import urllib.error
import urllib.request
import uuid

BASE = sys.argv[1].rstrip("/")
PASSWORD = "conformance-password-1"


def call(method, path, body=None, token=None, headers=None, expect=(200, 201)):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    if status not in expect:
        sys.exit(f"seeding failed: {method} {path} answered {status}: {text}")
    return json.loads(text) if text else None


session = call(
    "POST",
    "/v1/signup",
    {"dealer_name": "顺达汽配", "email": "owner@conformance.test", "password": PASSWORD},
)
owner = session["access_token"]


def staff(email, role):
    return call(
        "POST",
        "/v1/users",
        {"email": email, "name": role, "password": PASSWORD, "role": role},
        owner,
    )["id"]


user_id = staff("sales@conformance.test", "sales")
disposable_user_id = staff("leaver@conformance.test", "viewer")

parts = [
    {"sku": "BP-1", "name": "刹车片(前)", "brand": "BOSCH", "price": "128.00", "stock": 20,
     "oe_numbers": [{"brand": "TOYOTA", "number": "04465-02061"}],
     "fitment": [{"make": "TOYOTA", "model": "COROLLA", "year_from": 2003, "year_to": 2008}]},
    {"sku": "OF-2", "name": "机油滤清器", "brand": "MANN", "price": "35.50", "stock": 50,
     "oe_numbers": [{"brand": "TOYOTA", "number": "90915-YZZE1"}]},
    {"sku": "SP-1", "name": "火花塞", "brand": "NGK", "price": "42.00", "stock": 0},
]
part_ids = [call("POST", "/v1/parts", p, owner)["id"] for p in parts]
disposable_part_id = call(
    "POST", "/v1/parts", {"sku": "GONE-1", "name": "空气滤清器", "price": "20.00"}, owner
)["id"]

csv = "sku,name,brand,price,stock\nAF-3,空气滤清器,MANN,25.00,5\n".encode()
request = urllib.request.Request(
    BASE + "/v1/catalog/imports?wait=true", data=csv, method="POST",
    headers={"content-type": "text/csv", "authorization": "Bearer " + owner},
)
with urllib.request.urlopen(request, timeout=60) as response:
    import_id = json.loads(response.read())["id"]

customer_id = call("POST", "/v1/customers", {"name": "老王汽修"}, owner)["id"]
disposable_customer_id = call("POST", "/v1/customers", {"name": "关门汽修"}, owner)["id"]
shop_key = call("POST", f"/v1/customers/{customer_id}/api-keys", {"name": "ERP"}, owner)
disposable_key = call(
    "POST", f"/v1/customers/{customer_id}/api-keys", {"name": "spare"}, owner
)


def inquiry(text):
    """The inquiry as staff see it, with its draft quote."""
    received = call(
        "POST",
        "/v1/inquiries",
        {"lines": [{"text": text, "quantity": 2}]},
        shop_key["secret"],
        {"idempotency-key": str(uuid.uuid4())},
    )
    staff_view = call("GET", f"/v1/inquiries/{received['id']}", token=owner)
    staff_view["quote_id"] = staff_view["quote"]["id"]
    return staff_view


sent = inquiry("04465-02061")
sent_quote = sent["quote_id"]
call("POST", f"/v1/quotes/{sent_quote}/send", token=owner)
bought = inquiry("90915-YZZE1")
call("POST", f"/v1/quotes/{bought['quote_id']}/send", token=owner)
order = call("POST", f"/v1/shop/quotes/{bought['quote_id']}/accept", {}, shop_key["secret"])
# A delivered order with a return opened on it, for the return operations.
delivered = inquiry("90915-YZZE1")
call("POST", f"/v1/quotes/{delivered['quote_id']}/send", token=owner)
delivered_order = call("POST", f"/v1/shop/quotes/{delivered['quote_id']}/accept", {}, shop_key["secret"])
call("POST", f"/v1/orders/{delivered_order['id']}/dispatch", {"driver_phone": "13800138000"}, owner)
call("POST", f"/v1/orders/{delivered_order['id']}/deliver", {"received_by": "王师傅"}, owner)
opened_return = call(
    "POST", f"/v1/shop/orders/{delivered_order['id']}/returns",
    {"lines": [{"order_line_id": delivered_order["lines"][0]["id"], "quantity": 1}], "reason": "not_needed"},
    shop_key["secret"], {"idempotency-key": str(uuid.uuid4())},
)
draft = inquiry("机滤 x4")
# A spare match memory entry: a part marked wrong for the draft's line.
memory_entry = call(
    "POST", f"/v1/inquiries/{draft['id']}/lines/{draft['lines'][0]['id']}/mismatch",
    {"part_id": part_ids[0]}, owner,
)

webhook_id = call(
    "POST", "/v1/webhooks",
    {"url": "https://hooks.conformance.invalid/partsdesk", "events": ["inquiry.received"]},
    owner,
)["id"]
disposable_webhook_id = call(
    "POST", "/v1/webhooks",
    {"url": "https://hooks.conformance.invalid/spare", "events": ["quote.accepted"]},
    owner,
)["id"]

values = {
    "STAFF_TOKEN": owner,
    "SHOP_KEY": shop_key["secret"],
    "USER_ID": user_id,
    "DISPOSABLE_USER_ID": disposable_user_id,
    "PART_ID": part_ids[0],
    "DISPOSABLE_PART_ID": disposable_part_id,
    "IMPORT_ID": import_id,
    "CUSTOMER_ID": customer_id,
    "DISPOSABLE_CUSTOMER_ID": disposable_customer_id,
    "DISPOSABLE_KEY_ID": disposable_key["id"],
    "INQUIRY_ID": sent["id"],
    "INQUIRY_LINE_ID": sent["lines"][0]["id"],
    "MATCH_MEMORY_ID": memory_entry["id"],
    "SENT_QUOTE_ID": sent_quote,
    "DRAFT_QUOTE_ID": draft["quote_id"],
    "ORDER_ID": order["id"],
    "DELIVERED_ORDER_ID": delivered_order["id"],
    "RETURN_ID": opened_return["id"],
    "WEBHOOK_ID": webhook_id,
    "DISPOSABLE_WEBHOOK_ID": disposable_webhook_id,
}
for name, value in values.items():
    print(f"export {name}='{value}'")
