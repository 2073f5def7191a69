"""Utilities shared by the LetsData bridge: logging, validation, envelopes, serialisation, ARNs, Spark.

Import the submodules directly (``from letsdata_utils.validations import letsdata_assert``); this
package deliberately re-exports nothing so that importing it stays cheap and never pulls in boto3 or
pyspark.
"""

from datalake_library._version import __version__ as __version__  # the project's one version
