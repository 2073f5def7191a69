"""Manifest control-table helpers restored from SDLF <= 2.11.0 (docs/sdlf-compatibility.md), mixed into DynamoInterface.

Items live in the Manifests table (``/SDLF2/Dynamo/Manifests``; legacy deployments only) keyed by
``dataset_name = "{dataset}-{manifest_file}"`` and ``datafile_name = "{manifest_file}-{data_file}"``.
Status updates write, per stage ``a``/``b``: ``stage_{x}_status``, and for STARTED the
``stage_{x}_starttime`` (``str(datetime)``) and ``stage_{x}_starttimestamp`` (epoch seconds as a
string), for COMPLETED/FAILED the matching ``endtime``/``endtimestamp`` — the original formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from datalake_library.errors import InvalidArgumentError
from datalake_library.interfaces._validation import require_mapping, require_str

#: status -> which time pair it stamps (None: status only).
_STATUS_TIME = {"STARTED": "start", "PROCESSING": None, "COMPLETED": "end", "FAILED": "end"}


class ManifestsMixin:
    """Methods of :class:`DynamoInterface` for the manifests control table."""

    manifests_table: Any

    if TYPE_CHECKING:  # pragma: no cover - provided by DynamoInterface

        def get_item(self, table: str, key: Mapping[str, Any]) -> dict[str, Any]: ...

        def _update_item(
            self, table: str, key: Mapping[str, Any], expr: str, names: dict, values: dict
        ) -> dict: ...

    @staticmethod
    def manifest_keys(dataset_name: str, manifest_file_name: str, data_file_name: str) -> dict[str, str]:
        """The control-table key of one data file listed in a manifest."""
        for value, name in (
            (dataset_name, "dataset_name"),
            (manifest_file_name, "manifest_file_name"),
            (data_file_name, "data_file_name"),
        ):
            require_str(value, name)
        return {
            "dataset_name": f"{dataset_name}-{manifest_file_name}",
            "datafile_name": f"{manifest_file_name}-{data_file_name}",
        }

    def get_item_from_manifests_control_table(
        self, dataset_name: str, manifest_file_name: str, data_file_name: str
    ) -> dict[str, Any]:
        """The control item of a data file (``ItemNotFoundError``, a ``KeyError``, when absent)."""
        key = self.manifest_keys(dataset_name, manifest_file_name, data_file_name)
        return self.get_item(self.manifests_table, key)

    def _update_manifest_status(
        self, stage: str, ddb_key: Mapping[str, Any], status: str, s3_key: str | None, comment: str | None
    ) -> dict[str, Any]:
        require_mapping(ddb_key, "ddb_key")
        if status not in _STATUS_TIME:
            raise InvalidArgumentError(
                f"status must be one of {', '.join(_STATUS_TIME)}, got {status!r}", argument="status"
            )
        names = {"#S": f"stage_{stage}_status"}
        values: dict[str, Any] = {":S": status}
        when = _STATUS_TIME[status]
        if when:
            now = datetime.now(UTC)
            names.update({"#T": f"stage_{stage}_{when}time", "#TS": f"stage_{stage}_{when}timestamp"})
            values.update({":T": str(now), ":TS": str(int(now.timestamp()))})
        if s3_key is not None and status == "COMPLETED":
            names["#K"], values[":K"] = "s3_key", str(s3_key)
        if comment is not None and status == "FAILED":
            names["#C"], values[":C"] = "comment", str(comment)
        expression = "SET " + ", ".join(f"{name} = :{name[1:]}" for name in names)
        return self._update_item(self.manifests_table, ddb_key, expression, names, values)

    def update_manifests_control_table_stagea(
        self, ddb_key: Mapping[str, Any], status: str, s3_key: str | None = None
    ) -> dict[str, Any]:
        """Record stage A progress (STARTED/PROCESSING/COMPLETED with ``s3_key``/FAILED)."""
        return self._update_manifest_status("a", ddb_key, status, s3_key, None)

    def update_manifests_control_table_stageb(
        self, ddb_key: Mapping[str, Any], status: str, s3_key: str | None = None, comment: str | None = None
    ) -> dict[str, Any]:
        """Record stage B progress (STARTED/PROCESSING/COMPLETED/FAILED with ``comment``)."""
        return self._update_manifest_status("b", ddb_key, status, s3_key, comment)
