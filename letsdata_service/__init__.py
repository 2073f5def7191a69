"""Request parsing, validation and dispatch of the LetsData bridge.

Submodules are imported lazily by the request parser (a Spark request never costs a SQS import and
vice versa); nothing is re-exported here.
"""

from datalake_library._version import __version__ as __version__  # the project's one version
