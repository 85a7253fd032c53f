"""The registry of platform verifiers: one explicit line per platform slug."""

from __future__ import annotations

from collections.abc import Mapping

from verifiers._base import Verifier
from verifiers.adobe_commerce import AdobeCommerceVerifier
from verifiers.adobe_io_events import AdobeIoEventsVerifier
from verifiers.adyen import AdyenVerifier
from verifiers.aftership import AfterShipVerifier
from verifiers.basic_auth import BasicAuthVerifier
from verifiers.bigcommerce import BigCommerceVerifier
from verifiers.commercelayer import CommerceLayerVerifier
from verifiers.easypost import EasyPostVerifier
from verifiers.ebay import EbayVerifier
from verifiers.ecwid import EcwidVerifier
from verifiers.etsy import EtsyVerifier
from verifiers.generic_hmac import GenericHmacVerifier
from verifiers.jwt import JwtVerifier
from verifiers.klarna import KlarnaVerifier
from verifiers.lazada import LazadaVerifier
from verifiers.lemonsqueezy import LemonSqueezyVerifier
from verifiers.mollie import MollieVerifier
from verifiers.paypal import PayPalVerifier
from verifiers.shippo import ShippoVerifier
from verifiers.shipstation import ShipStationVerifier
from verifiers.shopee import ShopeeVerifier
from verifiers.shopify import ShopifyVerifier
from verifiers.shopline import ShoplineVerifier
from verifiers.shopware import ShopwareVerifier
from verifiers.square import SquareVerifier
from verifiers.squarespace import SquarespaceVerifier
from verifiers.standard_webhooks import StandardWebhooksVerifier
from verifiers.static_token import StaticTokenVerifier
from verifiers.stripe import StripeVerifier
from verifiers.tiktok_shop import TikTokShopVerifier
from verifiers.walmart import WalmartVerifier
from verifiers.wix import WixVerifier
from verifiers.woocommerce import WooCommerceVerifier

__all__ = ["VERIFIERS"]

VERIFIERS: Mapping[str, type[Verifier]] = {
    "adobe_commerce": AdobeCommerceVerifier,
    "adobe_io_events": AdobeIoEventsVerifier,
    "adyen": AdyenVerifier,
    "aftership": AfterShipVerifier,
    "basic_auth": BasicAuthVerifier,
    "bigcommerce": BigCommerceVerifier,
    "commercelayer": CommerceLayerVerifier,
    "easypost": EasyPostVerifier,
    "ebay": EbayVerifier,
    "ecwid": EcwidVerifier,
    "etsy": EtsyVerifier,
    "generic_hmac": GenericHmacVerifier,
    "jwt": JwtVerifier,
    "klarna": KlarnaVerifier,
    "lazada": LazadaVerifier,
    "lemonsqueezy": LemonSqueezyVerifier,
    "mollie": MollieVerifier,
    "paypal": PayPalVerifier,
    "shippo": ShippoVerifier,
    "shipstation": ShipStationVerifier,
    "shopee": ShopeeVerifier,
    "shopify": ShopifyVerifier,
    "shopline": ShoplineVerifier,
    "shopware": ShopwareVerifier,
    "square": SquareVerifier,
    "squarespace": SquarespaceVerifier,
    "standard_webhooks": StandardWebhooksVerifier,
    "static_token": StaticTokenVerifier,
    "stripe": StripeVerifier,
    "tiktok_shop": TikTokShopVerifier,
    "walmart": WalmartVerifier,
    "wix": WixVerifier,
    "woocommerce": WooCommerceVerifier,
}
