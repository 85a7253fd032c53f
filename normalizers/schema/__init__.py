"""The canonical commerce schema v1: the CloudEvents envelope and the entities it carries.

Entities (each an event's ``data``): ``Order``, ``Product``, ``Customer``,
``InventoryLevel``, ``Shipment``, ``Refund``, ``Return``, ``Payment``, ``Cart``,
``AppLifecycle`` and the generic ``PlatformEvent`` (``ENTITIES``, ``ENTITY_TOPICS``,
``EVENT_TYPES``, ``entity_class``). The rest are their parts.
``Model.model_json_schema()`` exports any of them as JSON Schema.
"""

from normalizers.schema._model import (
    CanonicalModel,
    Component,
    CurrencyCode,
    Entity,
    Money,
    Quantity,
    UtcDatetime,
)
from normalizers.schema.address import Address
from normalizers.schema.app import AppLifecycle
from normalizers.schema.cart import Cart
from normalizers.schema.custom_field import CustomField
from normalizers.schema.customer import Customer
from normalizers.schema.entities import ENTITIES, ENTITY_TOPICS, EVENT_TYPES, entity_class
from normalizers.schema.envelope import CanonicalEvent, event_id, event_type
from normalizers.schema.inventory import InventoryLevel
from normalizers.schema.option import SelectedOption
from normalizers.schema.order import Order, OrderCustomer
from normalizers.schema.order_item import OrderItem
from normalizers.schema.order_methods import PaymentMethod, ShippingMethod
from normalizers.schema.order_status import (
    OrderRefund,
    OrderRefundInfo,
    OrderStatus,
    OrderStatusHistoryItem,
)
from normalizers.schema.order_totals import Discount, OrderTotal, OrderTotals
from normalizers.schema.payment import Payment
from normalizers.schema.platform_event import PlatformEvent
from normalizers.schema.product import Product, ProductImage, ProductOption, ProductVariant, Term
from normalizers.schema.refund import Refund, RefundItem, Return
from normalizers.schema.shipment import Shipment, ShipmentItem

__all__ = [
    "ENTITIES",
    "ENTITY_TOPICS",
    "EVENT_TYPES",
    "Address",
    "AppLifecycle",
    "CanonicalEvent",
    "CanonicalModel",
    "Cart",
    "Component",
    "CurrencyCode",
    "CustomField",
    "Customer",
    "Discount",
    "Entity",
    "InventoryLevel",
    "Money",
    "Order",
    "OrderCustomer",
    "OrderItem",
    "OrderRefund",
    "OrderRefundInfo",
    "OrderStatus",
    "OrderStatusHistoryItem",
    "OrderTotal",
    "OrderTotals",
    "Payment",
    "PaymentMethod",
    "PlatformEvent",
    "Product",
    "ProductImage",
    "ProductOption",
    "ProductVariant",
    "Quantity",
    "Refund",
    "RefundItem",
    "Return",
    "SelectedOption",
    "Shipment",
    "ShipmentItem",
    "ShippingMethod",
    "Term",
    "UtcDatetime",
    "entity_class",
    "event_id",
    "event_type",
]
