"""A warm stage Lambda of each SDLF generation: AWS requests and milliseconds per invocation on
this layer versus SDLF's own layer of that generation, in the same run, on one moto server.

* **2.6** — a stage A pre-update step: ``OctagonClient`` execution start and update,
  ``DynamoInterface(DynamoConfiguration())`` catalog write, ``StateMachineConfiguration`` +
  ``StatesInterface()`` start;
* **2.10** (2.7 - 2.11.0) — a sdlf-stage-glue routing step: ``sdlf.PipelineExecutionHistoryAPI``,
  ``sdlf.StateMachineConfiguration(instance=)``, ``StatesInterface()``;
* **2.11** — a sdlf-stageA routing step: ``DataLakeClient(...).states.run_state_machine``.

Each side runs in its own interpreter (``bench/_generation_worker.py``): one cold invocation, then
``INVOCATIONS`` warm ones, counting every request botocore sends. The baselines are SDLF's layers
at the commits "update version to 2.6.0", "update version to 2.11.0" and the repository's HEAD,
read from ``$SDLF_UPSTREAM_DIR`` (default ``/work/scratch/i11``: ``g26/``, ``g211/``, ``head/``
each holding ``sdlf-datalakeLibrary/python``); they are never part of this repository. When a
checkout is absent the row says so and only this layer is measured. SDLF's 2.6 octagon client
calls ``importlib.resources.files`` on a module, which only Python >= 3.12 accepts; on an older
interpreter the worker gives it 3.12's behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from datalake_library.testing import MotoServer, apply_moto_environment, create_sdlf_environment

Row = tuple[str, str, str, str]
INVOCATIONS = 20
REPO = Path(__file__).resolve().parent.parent
UPSTREAM_DIR_ENV = "SDLF_UPSTREAM_DIR"
#: generation -> (deployment the kit builds, baseline checkout directory name)
GENERATIONS = {"2.6": ("2.6", "g26"), "2.10": ("2.10", "g211"), "2.11": ("2.11", "head")}
LABELS = {"2.6": "<= 2.6 (octagon)", "2.10": "2.7-2.11.0 (sdlf)", "2.11": "2.11.x (DataLakeClient)"}


def _measure(layer: Path, generation: str, endpoint: str) -> dict[str, object]:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [sys.executable, "-S", str(REPO / "bench" / "_generation_worker.py"), str(layer),
         sysconfig.get_paths()["purelib"], generation, str(INVOCATIONS)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        return {"error": f"worker failed: {proc.stderr.strip().splitlines()[-1:]}"}
    result: dict[str, object] = json.loads(lines[-1][len("RESULT "):])
    return result


def _cell(result: dict[str, object], key: str, unit: str) -> str:
    if "error" in result:
        return "-"
    value = result[key]
    assert isinstance(value, int | float)
    return f"{value:.1f}{unit}" if unit == " ms" else f"{value:g}"


def run() -> list[Row]:
    apply_moto_environment()
    upstream = Path(os.environ.get(UPSTREAM_DIR_ENV, "/work/scratch/i11"))
    rows: list[Row] = []
    with MotoServer() as server:
        for generation, (deployment, checkout) in GENERATIONS.items():
            measured: dict[str, dict[str, object]] = {}
            baseline_layer = upstream / checkout / "sdlf-datalakeLibrary" / "python"
            for side, layer in (("ours", REPO), ("sdlf", baseline_layer)):
                if side == "sdlf" and not baseline_layer.is_dir():
                    measured[side] = {"error": f"baseline skipped: no SDLF {LABELS[generation]} layer at {baseline_layer}"}
                    continue
                server.reset()
                create_sdlf_environment(endpoint_url=server.endpoint_url, generation=deployment)
                measured[side] = _measure(layer, generation, server.endpoint_url)
            ours, sdlf = measured["ours"], measured["sdlf"]
            if "error" in ours:
                rows.append((f"{LABELS[generation]} warm Lambda", "FAILED", "-", str(ours["error"])))
                continue
            note = str(sdlf["error"]) if "error" in sdlf else ""
            for key, unit, label in (("requests", "", "AWS requests/invocation"), ("ssm", "", "SSM requests/invocation"), ("ms", " ms", "ms/invocation (median)")):
                ratio = note
                if not note:
                    base = sdlf[key]
                    value = ours[key]
                    assert isinstance(base, int | float) and isinstance(value, int | float)
                    ratio = f"x{value / base:.2f}" if base else ("same (0)" if not value else "n/a (baseline 0)")
                rows.append((f"{LABELS[generation]}: {label}", _cell(ours, key, unit), _cell(sdlf, key, unit), ratio))
    return rows


if __name__ == "__main__":
    for row in run():
        sys.stdout.write(" | ".join(row) + "\n")
