"""Letters per second: ours beside docx-mailmerge2, same template and data, same run.

    .venv/bin/python benchmarks/bench_merge.py [--letters 1000] [--template PATH]
        [--dmm-python /tmp/dmm-venv/bin/python]

docx-mailmerge2 installs a top-level package named `mailmerge` (like ours), so it lives in its
own virtual environment and runs in a subprocess:

    python3 -m venv /tmp/dmm-venv && /tmp/dmm-venv/bin/pip install docx-mailmerge2

Measured for each engine: N separate .docx files, then one N-letter document with a page break
between letters. Our timings include opening and compiling the template; docx-mailmerge2
reopens the template for each separate letter, as its API requires.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailmerge import Template, merge_batch, read_one, read_records  # noqa: E402

DEFAULT_TEMPLATE = ROOT / "seed_data" / "templates" / "relance-impaye-1.docx"

DMM_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from mailmerge import MailMerge

template, data, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
records = json.loads(Path(data).read_text(encoding="utf-8"))
start = time.perf_counter()
for i, record in enumerate(records):
    document = MailMerge(template)
    document.merge(**record)
    document.write(str(out / f"dmm-{i}.docx"))
    document.close()
separate = time.perf_counter() - start
start = time.perf_counter()
document = MailMerge(template)
document.merge_templates(records, separator="page_break")
document.write(str(out / "dmm-single.docx"))
document.close()
single = time.perf_counter() - start
print(json.dumps({"separate": separate, "single": single}))
"""


def make_records(sample: dict[str, object], count: int) -> list[dict[str, str]]:
    """`count` text records (as a CSV or JSON file gives them) varied from the sample."""
    records = []
    for i in range(count):
        record = {k: ("" if v is None else str(v)) for k, v in sample.items()}
        record["Nom"] = f"{record.get('Nom', 'Nom')}{i}"
        record["NumeroClient"] = f"CL{i:07d}"
        record["Civilite"] = "Mme" if i % 2 else "M."
        records.append(record)
    return records


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f} lettres/s ({seconds:6.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--dmm-python", default="/tmp/dmm-venv/bin/python")
    args = parser.parse_args()
    sample_file = args.template.parent / "exemples" / f"{args.template.stem}.json"
    records = make_records(dict(read_one(sample_file)), args.letters)

    with tempfile.TemporaryDirectory(prefix="bench-merge-") as work:
        work_dir = Path(work)
        data = work_dir / "records.json"
        data.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

        print(f"Modèle : {args.template.name}, {args.letters} lettres")
        ours_dir = work_dir / "ours"
        start = time.perf_counter()
        template = Template.open(args.template)
        merge_batch(template, read_records(data), ours_dir)
        ours_separate = time.perf_counter() - start
        start = time.perf_counter()
        template = Template.open(args.template)
        merge_batch(template, read_records(data), ours_dir / "single", single_file=True)
        ours_single = time.perf_counter() - start
        size = next((ours_dir / "single").iterdir()).stat().st_size
        print(f"acvd mailmerge   fichiers séparés : {rate(args.letters, ours_separate)}")
        print(f"acvd mailmerge   document unique  : {rate(args.letters, ours_single)}"
              f"  [{size / 1e6:.1f} Mo]")  # fmt: skip

        dmm_dir = work_dir / "dmm"
        dmm_dir.mkdir()
        try:
            completed = subprocess.run(
                [args.dmm_python, "-c", DMM_SCRIPT, str(args.template), str(data), str(dmm_dir)],
                capture_output=True,
                text=True,
                cwd=work_dir,  # never import our `mailmerge` by accident
                check=True,
            )
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or error
            print(f"docx-mailmerge2 indisponible ({str(detail).strip().splitlines()[-1]})")
            return
        dmm = json.loads(completed.stdout.strip().splitlines()[-1])
        print(f"docx-mailmerge2  fichiers séparés : {rate(args.letters, dmm['separate'])}")
        print(f"docx-mailmerge2  document unique  : {rate(args.letters, dmm['single'])}")
        print(
            f"Rapport (nous / docx-mailmerge2) : séparés ×{dmm['separate'] / ours_separate:.1f}, "
            f"document unique ×{dmm['single'] / ours_single:.1f}"
        )


if __name__ == "__main__":
    main()
