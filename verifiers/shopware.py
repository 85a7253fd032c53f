"""Shopware 6 app webhooks: hex HMAC-SHA256 of the raw body in ``shopware-shop-signature``.

Documentation: https://developer.shopware.com/docs/guides/plugins/apps/app-base-guide.html

Rests on [code] ``shopware/app-php-sdk`` ``tests/Authentication/RequestVerifierTest.php``
(relay's ``signatures.md`` 3.18; vectors ``shopware-1``..``3``): a webhook's
``shopware-shop-signature = hex(HMAC-SHA256(shop secret, raw body))``, the shop secret being
the one the app returned at registration (one source per shop). The registration request
itself is a GET signed with the *app* secret over the raw query string
(``shopware-app-signature``); relay does not act as an app's registration endpoint, but
``verify_registration`` checks such a request for code that does. Newer Shopware sends
``X-Shopware-Event-Id`` (stable across retries), ``-Sequence`` and ``-Attempt`` [doc];
their behaviour in 6.4-6.6 is UNCONFIRMED. No timestamp is signed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final

from verifiers._base import InboundRequest, Secret
from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["ShopwareVerifier"]

_REGISTRATION: Final = HmacScheme(header="shopware-app-signature", template=("query",))


@dataclass(frozen=True, slots=True)
class ShopwareVerifier(HmacPlatform):
    """Verifies Shopware app webhooks with the shop's secret. Takes no options."""

    platform: ClassVar[str] = "shopware"
    description: ClassVar[Description] = Description(
        delivery_id=("x-shopware-event-id", ("source", "eventId")),
        topic=(("data", "event"),),
        store_id=(("source", "shopId"),),
        forwarded=("x-shopware-event-id", "x-shopware-sequence", "x-shopware-attempt"),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Hex HMAC of the body."""
        del options
        return HmacScheme(header="shopware-shop-signature")

    @staticmethod
    def verify_registration(
        request: InboundRequest, app_secrets: Sequence[Secret], *, now: datetime
    ) -> None:
        """Check an app-registration GET: hex HMAC of the raw query under the app secret.

        Raises:
            VerificationError: missing, malformed or mismatching ``shopware-app-signature``.
        """
        _REGISTRATION.check(request, app_secrets, now=now)
