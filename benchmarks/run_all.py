"""`make bench`: every benchmark in one run, one after the other on an otherwise idle machine, and
the results with the command, date and machine in benchmarks/results/latest.json."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

HERE = Path(__file__).parent
CHARTS = HERE.parent / "docs" / "benchmarks"
console = Console(stderr=True)


def machine() -> dict[str, object]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def run(python: str, script: str, datasets: str) -> dict[str, object]:
    console.print(f"[bold]{script}[/bold] with {python}")
    done = subprocess.run(
        [python, str(HERE / script), datasets], check=True, capture_output=True, text=True
    )
    console.print(done.stderr[-2000:])
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# One seed's 30-day retention moves by about ±0.015 (BENCHMARKS.md), as much as the goal's margin:
# the simulation is run on six seeds, two at a time, and summarised over them.
SIMULATION_SEEDS = (1, 2, 3, 4, 5, 6)


def simulation() -> dict[str, object]:
    """`learnloop simulate` on the demo course: 200 learners per policy, 120 days; seed 1 gives
    the table and the chart, seeds 1 to 6 the spread of learnloop's figures."""
    out = HERE / "results" / "simulation.json"
    out.parent.mkdir(exist_ok=True)
    course = HERE.parent / "src" / "learnloop" / "demo" / "fractions"
    outputs = {s: out.with_name(f"simulation-seed{s}.json") for s in SIMULATION_SEEDS}
    outputs[1] = out
    console.print(f"[bold]learnloop simulate[/bold], seeds {list(SIMULATION_SEEDS)}, two at a time")
    for pair in zip(SIMULATION_SEEDS[::2], SIMULATION_SEEDS[1::2], strict=True):
        running = []
        for seed in pair:
            command = [
                str(Path(sys.executable).parent / "learnloop"), "simulate", "--course", str(course),
                "--learners", "200", "--days", "120", "--seed", str(seed),
                "--json", str(outputs[seed]),
            ]  # fmt: skip
            if seed == 1:
                command += ["--chart", str(CHARTS / "simulation.svg")]
            quiet = None if seed == pair[0] else subprocess.DEVNULL  # one progress bar at a time
            running.append(subprocess.Popen(command, stdout=quiet, stderr=quiet))
        for process in running:
            if process.wait() != 0:
                raise SystemExit(f"learnloop simulate failed: {process.args!r}")
    result: dict[str, object] = json.loads(out.read_text())
    per_seed = {}
    for seed, path in outputs.items():
        policies = json.loads(path.read_text())["policies"]
        mine, fixed = policies["learnloop"], policies["fixed"]
        per_seed[seed] = {
            "practice_vs_fixed": mine["practice_to_mastery"] / fixed["practice_to_mastery"],
            "retention_30d": mine["retention_30d"],
        }
    summary: dict[str, object] = {"per_seed": per_seed}
    for measure in ("practice_vs_fixed", "retention_30d"):
        values = [v[measure] for v in per_seed.values()]
        mean, sd = statistics.mean(values), statistics.stdev(values)
        summary[measure] = {"mean": mean, "sd": sd, "min": min(values), "max": max(values)}
        console.print(
            f"learnloop {measure} over seeds: mean {mean:.3f}, sd {sd:.3f}, "
            f"from {min(values):.3f} to {max(values):.3f}"
        )
    result["over_seeds"] = summary
    return result


def memory(datasets: str) -> dict[str, object]:
    """FSRS fitted here, with the fsrs package's optimizer (in .bench-fsrs-venv) as the peer."""
    train = HERE / "results" / "fsrs_train.json"
    peer = HERE / "results" / "fsrs_peer.json"
    train.parent.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, str(HERE / "memory.py"), datasets, "--export", str(train)], check=True
    )
    peer_python = HERE.parent / ".bench-fsrs-venv" / "bin" / "python"
    console.print(f"[bold]fsrs_peer.py[/bold] with {peer_python}")
    subprocess.run(
        [str(peer_python), str(HERE / "fsrs_peer.py"), str(train), str(peer)], check=True
    )
    done = subprocess.run(
        [sys.executable, str(HERE / "memory.py"), datasets, str(peer)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def lrs() -> dict[str, object]:
    """The xAPI store over loopback beside Ralph (.bench-ralph-venv): about 12 minutes."""
    out = HERE / "results" / "lrs_speed.json"
    out.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, str(HERE / "lrs_speed.py"), "--json", str(out)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    result: dict[str, object] = json.loads(out.read_text())
    return result


def _script(name: str) -> dict[str, object]:
    """Run benchmarks/NAME, show the end of what it told on stderr, and read the JSON of its last
    line."""
    console.print(f"[bold]{name}[/bold]")
    done = subprocess.run([sys.executable, str(HERE / name)], check=True, capture_output=True,
                          text=True)  # fmt: skip
    console.print(done.stderr[-2000:])
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def forwarding() -> dict[str, object]:
    """A store's statements sent to another LRS beside Ralph copying them (.bench-ralph-venv):
    about 3 minutes."""
    return _script("xapi_forwarding.py")


def classroom() -> dict[str, object]:
    """A school's load on one machine (answers and pages over loopback, SQLite and PostgreSQL,
    then SQLite with one server process): about 8 minutes."""
    out = HERE / "results" / "classroom_load.json"
    single = out.with_name("classroom_load_one_process.json")
    out.parent.mkdir(exist_ok=True)
    script = str(HERE / "classroom_load.py")
    subprocess.run([sys.executable, script, "--json", str(out)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([sys.executable, script, "--systems", "sqlite", "--workers", "1", "--json",
                    str(single)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    result: dict[str, object] = json.loads(out.read_text())
    result["sqlite_one_process"] = json.loads(single.read_text())["sqlite"]
    return result


def class_export() -> dict[str, object]:
    """A class's answers as a CSV download beside the database's own CSV writer, SQLite and
    PostgreSQL: about 2 minutes."""
    out = HERE / "results" / "class_export.json"
    out.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, str(HERE / "class_export.py"), "--json", str(out)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    result: dict[str, object] = json.loads(out.read_text())
    return result


def withdrawal() -> dict[str, object]:
    """Withdrawing an answer (the replay of a learner's record) beside the live answers, SQLite
    and PostgreSQL: about 3 minutes."""
    return _script("withdrawal.py")


def cat(bench_python: str) -> dict[str, object]:
    bank = HERE / "results" / "cat_bank.json"
    bank.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, str(HERE / "cat_bank.py"), str(bank)], check=True)
    return {
        **run(sys.executable, "cat.py", str(bank)),
        **run(bench_python, "cat_peer.py", str(bank)),
    }


def main() -> None:
    """All benchmarks; `run_all.py cat|memory|placement|simulation|lrs|forwarding|parallel_fit|
    classroom|withdrawal|class_export` runs only that one (results/NAME.json)."""
    datasets = os.environ.get("LEARNLOOP_DATASETS", str(HERE.parent.parent / "shared" / "datasets"))
    bench_python = str(HERE.parent / ".bench-venv" / "bin" / "python")
    header = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    single = {
        "cat": lambda: cat(bench_python),
        "memory": lambda: memory(datasets),
        "placement": lambda: run(sys.executable, "placement.py", str(CHARTS / "placement.svg")),
        "simulation": simulation,
        "lrs": lrs,
        "forwarding": forwarding,
        "parallel_fit": lambda: run(sys.executable, "parallel_fit.py", datasets),
        "classroom": classroom,
        "withdrawal": withdrawal,
        "class_export": class_export,
    }
    if sys.argv[1:] and sys.argv[1] in single:
        name = sys.argv[1]
        out = HERE / "results" / f"{name}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(
            json.dumps(
                {"command": f"python benchmarks/run_all.py {name}", **header, name: single[name]()},
                indent=2,
            )
        )
        console.print(f"results written to {out}")
        return
    results = {
        "command": "make bench",
        **header,
        "pybkt": run(bench_python, "pybkt_peer.py", datasets),
        "learnloop": run(sys.executable, "kt_models.py", datasets),
        "online_speed": run(sys.executable, "online_speed.py", datasets),
        "parallel_fit": run(sys.executable, "parallel_fit.py", datasets),
        "cat": cat(bench_python),
        "memory": memory(datasets),
        "placement": run(sys.executable, "placement.py", str(CHARTS / "placement.svg")),
        "simulation": simulation(),
        "lrs": lrs(),
        "forwarding": forwarding(),
        "classroom": classroom(),
        "withdrawal": withdrawal(),
        "class_export": class_export(),
    }
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    console.print(f"results written to {out}")


if __name__ == "__main__":
    main()
