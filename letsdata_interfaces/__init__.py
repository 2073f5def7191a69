"""The LetsData interfaces a dataset implements, at the module paths of the original package.

Import classes from their modules (``from letsdata_interfaces.documents.Document import Document``).
Package ``__init__`` files re-export nothing on purpose: a package attribute named like a submodule is
rebound to the module as soon as the submodule is imported, which is exactly the original's
``RecordParseHint`` bug.
"""

from datalake_library._version import __version__ as __version__  # the project's one version
