"""``python -m letsdata_local`` entry point."""

from letsdata_local.cli import main

raise SystemExit(main())
