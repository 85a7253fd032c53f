"""The verifier shell shared by platforms whose whole scheme is one ``HmacScheme``.

A branded platform module subclasses ``HmacPlatform``, builds its scheme in ``build_scheme``
(from its options), says where its delivery id, topic and store live (``description``), and
inherits ``from_options``, ``check_secret``, ``handshake`` and ``verify``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Self

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._hmac_scheme import HmacScheme
from verifiers._keys import KeyProvider
from verifiers._options import reject_unknown

__all__ = ["HmacPlatform"]


@dataclass(frozen=True, slots=True)
class HmacPlatform(NoHandshake, ABC):
    """A platform verified by one HMAC scheme; subclasses set the class variables."""

    platform: ClassVar[str]
    acknowledgement: ClassVar[PlatformReply | None] = None
    options: ClassVar[tuple[str, ...]] = ()
    """The option names ``build_scheme`` reads; any other option is refused."""
    description: ClassVar[Description] = Description()

    scheme: HmacScheme

    @classmethod
    @abstractmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Return the platform's scheme for ``options`` (already checked for unknown keys)."""

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; the options each platform reads are in its docstring."""
        del keys  # HMAC schemes need no public keys.
        reject_unknown(options, cls.options)
        return cls(scheme=cls.build_scheme(options))

    def check_secret(self, secret: Secret) -> None:
        """Raise ``VerifierConfigError`` when ``secret`` cannot be this scheme's key."""
        self.scheme.check_secret(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the scheme, then read the delivery's id, topic and store."""
        signed_at = self.scheme.check(request, secrets, now=now)
        return self.description.verified(request, self.platform, signed_at)
