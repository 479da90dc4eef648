"""The benchmarks still run: `bench/run.py` at toy sizes prints the figures its docs promise.

Timings are not checked here (benchmarks live in bench/, not in timed tests); that each scenario runs
end to end and reports its comparison is."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bench(*args: str) -> list[dict]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "TEST_DATABASE_NAME")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *args, "--repeat", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_the_list_benchmarks_compare_each_list_with_the_home_page_for_both_users():
    figures = run_bench("cases", "audits", "--sizes", "30", "--audits", "40", "--audit-cases", "30", "--teams", "2")
    ratios = {(line["bench"], line["user"]) for line in figures if line["bench"].endswith("_vs_home")}
    assert ratios == {
        ("case_list_vs_home", "tm"),
        ("case_list_vs_home", "hos"),
        ("audit_list_vs_home", "tm"),
        ("audit_list_vs_home", "hos"),
    }
    lists = [line for line in figures if line["bench"] in ("case_list", "audit_list")]
    assert lists and all(line["status"] == 200 and line["median_ms"] > 0 for line in lists)


def test_the_case_import_benchmark_writes_every_row_and_reports_peak_memory_beside_the_catalogue_load():
    figures = {line["bench"]: line for line in run_bench("case_import", "--import-rows", "20")}
    line, catalogue = figures["case_import"], figures["catalogue_load"]
    assert (line["rows"], line["cases"], line["status"]) == (20, 20, "done")
    assert line["check_seconds"] >= 0 and line["write_seconds"] > 0 and line["queries"] > 0
    assert line["check_peak_mb"] > 0 and line["write_peak_mb"] > 0
    assert catalogue["tables"] == 9 and catalogue["processes"] > 0
    assert catalogue["seconds"] > 0 and catalogue["peak_mb"] > 0 and catalogue["queries"] > 0
