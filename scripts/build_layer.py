"""Build the DatalakeLibrary Lambda layer: ``dist/datalake_library-layer.zip``.

Layout (docs/sdlf-compatibility.md): ``python/__init__.py`` (empty) and ``python/datalake_library/**`` — Lambda
extracts layers under ``/opt`` and puts ``/opt/python`` on ``sys.path``. No dependency is
vendored: boto3 comes from the Lambda runtime.

``datalake_library/testing`` is left out: it is test support for user code (a moto server and
pytest fixtures) whose server needs moto, which must never ship in a layer, and nothing in the
library imports it. ``__pycache__``, ``*.pyc`` and editor droppings are left out too.

The zip is deterministic — entries sorted, fixed timestamps and permissions — so the same source
gives the same bytes, and the SHA-256 prefix (the upstream ``buildspec.sh`` layer version) only
changes when the code does. The build fails with a clear message when the zip is above the 50 MB
direct-upload limit or the content above the 250 MB unzipped limit.

Usage: ``python scripts/build_layer.py [--output PATH] [--source DIR]`` (``make layer``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "dist" / "datalake_library-layer.zip"
PACKAGE = "datalake_library"
#: Lambda quotas: 50 MB for a direct zip upload, 250 MB unzipped for a function plus its layers.
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 262_144_000
#: Subpackages that are not part of the runtime library.
EXCLUDED_SUBPACKAGES = ("testing",)
EXCLUDED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".swp", "~", ".orig", ".rej")
EXCLUDED_NAMES = {".DS_Store"}
#: The earliest time a zip can store; any fixed value makes the archive reproducible.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class LayerBuildError(Exception):
    """The layer cannot be built (missing package, a size limit exceeded)."""


@dataclass(frozen=True)
class LayerReport:
    path: Path
    files: int
    zipped_bytes: int
    unzipped_bytes: int
    sha256: str

    @property
    def version(self) -> str:
        """The first 12 hex digits of the zip's SHA-256, as the upstream deployer versions layers."""
        return self.sha256[:12]


def layer_members(source_root: Path) -> list[tuple[str, Path]]:
    """``(archive name, file)`` for every file that goes into the layer, sorted by archive name."""
    package_dir = source_root / PACKAGE
    if not (package_dir / "__init__.py").is_file():
        raise LayerBuildError(f"{package_dir} is not a Python package (no __init__.py); nothing to build")
    members: list[tuple[str, Path]] = []
    for path in package_dir.rglob("*"):
        relative = path.relative_to(source_root)
        parts = relative.parts
        if path.is_dir() or any(p in EXCLUDED_DIRS for p in parts):
            continue
        if len(parts) > 2 and parts[1] in EXCLUDED_SUBPACKAGES:
            continue
        if path.name in EXCLUDED_NAMES or path.name.endswith(EXCLUDED_SUFFIXES):
            continue
        members.append(("python/" + relative.as_posix(), path))
    return sorted(members)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100644 & 0xFFFF) << 16  # regular file, rw-r--r--
    info.create_system = 3  # unix, so the permissions above are honoured on extraction
    return info


def build_layer(
    output: Path = DEFAULT_OUTPUT,
    source_root: Path = ROOT,
    max_zipped: int = MAX_ZIPPED_BYTES,
    max_unzipped: int = MAX_UNZIPPED_BYTES,
) -> LayerReport:
    """Write the layer zip to ``output`` and return its sizes and hash.

    Raises :class:`LayerBuildError` (and removes the oversized zip) when a limit is exceeded.
    """
    members = layer_members(source_root)
    unzipped = sum(path.stat().st_size for _, path in members)
    if unzipped > max_unzipped:
        raise LayerBuildError(
            f"layer content is {unzipped:,} bytes unzipped, above the {max_unzipped:,}-byte limit "
            "(Lambda: 250 MB for a function plus all its layers)"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(_zip_info("python/__init__.py"), b"")
        for name, path in members:
            archive.writestr(_zip_info(name), path.read_bytes())
    zipped = tmp.stat().st_size
    if zipped > max_zipped:
        tmp.unlink()
        raise LayerBuildError(
            f"layer zip is {zipped:,} bytes, above the {max_zipped:,}-byte limit "
            "(Lambda: 50 MB for a direct zip upload)"
        )
    tmp.replace(output)
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    return LayerReport(output, len(members) + 1, zipped, unzipped, digest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="zip to write")
    parser.add_argument("--source", type=Path, default=ROOT, help="directory holding datalake_library/")
    args = parser.parse_args(argv)
    try:
        report = build_layer(args.output, args.source)
    except LayerBuildError as exc:
        sys.stderr.write(f"build_layer: {exc}\n")
        return 1
    sys.stdout.write(
        f"{report.path}: {report.files} files, {report.zipped_bytes:,} bytes zipped, "
        f"{report.unzipped_bytes:,} bytes unzipped, version {report.version}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
