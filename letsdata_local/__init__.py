"""letsdata_local: run a LetsData dataset end to end on one machine.

It plays the LetsData platform's part: reads a dataset configuration, drives the read connector,
calls the bridge (``letsdata_lambda_function.lambda_handler``) through the exact wire envelope, and
writes documents and errors to their destinations. ``python -m letsdata_local run CONFIG.json``.

Importing this package is cheap: boto3, moto and tqdm are imported only when a run needs them.
"""

__all__ = ["__version__"]

from datalake_library._version import __version__ as __version__  # the project's one version
