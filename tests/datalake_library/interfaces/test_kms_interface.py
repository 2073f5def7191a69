"""KMSInterface: key ARNs from SSM, lazily created (unused) KMS client."""

from __future__ import annotations

import pytest

from datalake_library import KMSInterface
from datalake_library.errors import ConfigurationError
from tests.datalake_library.helpers import counting_session


def test_key_arns_come_from_ssm_without_kms_calls(mocked_sdlf) -> None:
    session, recorder = counting_session()
    kms = KMSInterface("engineering", session=session)
    assert kms.data_kms_key == mocked_sdlf.domain_key_arn
    assert kms.team_data_kms_key == mocked_sdlf.team_data_key_arn
    assert kms.team_infra_kms_key == mocked_sdlf.team_infra_key_arn
    assert kms.team_data_kms_key.startswith("arn:aws:kms:")
    assert recorder.operations("kms") == []
    assert kms.kms.meta.service_model.service_name == "kms"


def test_team_keys_need_a_team(mocked_sdlf) -> None:
    kms = KMSInterface()
    assert kms.data_kms_key == mocked_sdlf.domain_key_arn
    with pytest.raises(ConfigurationError, match="team"):
        _ = kms.team_infra_kms_key
