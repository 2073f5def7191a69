"""``KMSInterface``: the KMS key ARNs SDLF publishes in SSM.

"KMS key lookup" is purely an SSM read: ``data_kms_key`` is the *domain* key (``/SDLF2/KMS/KeyArn``),
``team_data_kms_key`` and ``team_infra_kms_key`` are the team's keys (ARNs, despite the parameter
names ending in ``KeyId``). The values are passed straight through as ``SSEKMSKeyId``.
"""

from __future__ import annotations

from datalake_library.interfaces.base_interface import BaseInterface, ClientAttribute, SsmAttribute

__all__ = ["KMSInterface"]


class KMSInterface(BaseInterface):
    """KMS key ARNs from SSM; ``kms`` is a KMS client created only if someone uses it."""

    data_kms_key = SsmAttribute()
    team_data_kms_key = SsmAttribute()
    team_infra_kms_key = SsmAttribute()

    #: The KMS client (the library itself calls no KMS API; created lazily). Assignable by subclass hooks.
    kms = ClientAttribute("kms")
