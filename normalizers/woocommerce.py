"""WooCommerce webhooks to canonical events.

The topic is the ``X-WC-Webhook-Topic`` header (``delivery.topic``); for the API resources
the body is "exactly the same as if requested via the REST API" (REST API v3 docs,
https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks). Topic to type:

| WooCommerce topic | canonical type | data |
|---|---|---|
| order.created | commerce.order.created.v1 | Order |
| order.updated | commerce.order.updated.v1 | Order |
| order.deleted | commerce.order.deleted.v1 | Order reference (``hydrated=False``) |
| order.restored | commerce.order.restored.v1 | Order |
| product.created | commerce.product.created.v1 | Product |
| product.updated | commerce.product.updated.v1 | Product |
| product.deleted | commerce.product.deleted.v1 | Product reference (``hydrated=False``) |
| product.restored | commerce.product.restored.v1 | Product |
| customer.created | commerce.customer.created.v1 | Customer |
| customer.updated | commerce.customer.updated.v1 | Customer |
| customer.deleted | commerce.customer.deleted.v1 | Customer reference (``hydrated=False``) |
| any other (coupon.*, action.*) | commerce.platform_event.received.v1 | PlatformEvent |

WooCommerce sends only ``{"id": ...}`` for a deleted resource (``WC_Webhook::build_payload``);
a reference keeps whatever else arrives in ``additional_fields``. Field mappings:
``_woocommerce_order``, ``_woocommerce_product``, ``_woocommerce_customer``. A body that is
not a JSON object raises ``MalformedPayloadError`` (the ``webhook_id=...`` form-encoded ping
sent when a webhook is saved is the verifier's handshake, never a delivery).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import Route, dispatch, reference
from normalizers._woocommerce_customer import customer
from normalizers._woocommerce_order import order
from normalizers._woocommerce_product import product
from normalizers.schema import CanonicalEvent, Customer, Order, Product
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ROUTES: Mapping[str, Route] = {
    "order.created": Route(order, "created", Order),
    "order.updated": Route(order, "updated", Order),
    "order.deleted": Route(reference(Order), "deleted", Order),
    "order.restored": Route(order, "restored", Order),
    "product.created": Route(product, "created", Product),
    "product.updated": Route(product, "updated", Product),
    "product.deleted": Route(reference(Product), "deleted", Product),
    "product.restored": Route(product, "restored", Product),
    "customer.created": Route(customer, "created", Customer),
    "customer.updated": Route(customer, "updated", Customer),
    "customer.deleted": Route(reference(Customer), "deleted", Customer),
}
"""WooCommerce topic -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified WooCommerce delivery into one canonical event."""
    return dispatch(delivery, ROUTES)
