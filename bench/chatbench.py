"""What the end-to-end benchmark scripts share (compare.py, cluster.py).

Starting our chatserver and a Redis server as processes under test, each on a port of
its own; running chat-load and reading its JSON report; and the bits of Markdown the
tables are made of. Every wait is bounded: a process that does not come up is reported
with the end of its log, never waited on forever.
"""

import datetime
import json
import os
import pathlib
import platform
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SERVER_START_TIMEOUT = 20.0
SERVER_STOP_TIMEOUT = 5.0
LOG_TAIL = 300  # characters of a log quoted in a message


def program():
    return os.path.basename(sys.argv[0])


def note(message):
    print(f"{program()}: {message}", file=sys.stderr, flush=True)


def fail(message):
    print(f"{program()}: {message}", file=sys.stderr)
    sys.exit(1)


class StartError(Exception):
    """A process under test did not come up; the message says why."""


def free_port(avoid=()):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if port in avoid:
        return free_port(avoid)
    return port


def wait_for_port(port, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def copy_lines(stream, log):
    for line in stream:
        log.write(line)
    log.flush()


def log_tail(path):
    """The last lines of a log, on one line (for a message or a table cell)."""
    try:
        lines = pathlib.Path(path).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " / ".join(line.strip() for line in lines[-3:])[-LOG_TAIL:]


def stop_process(process):
    """SIGTERM, then SIGKILL if it has not exited after SERVER_STOP_TIMEOUT."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class OurServer:
    """Our chatserver on a free loopback port (it prints the one it got)."""

    def __init__(self, binary, extra_args, log_path):
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", *extra_args],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], SERVER_START_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening on ws://"):
            self.stop()
            raise StartError(
                f"our chatserver did not say 'listening on ws://...' (got {line!r}"
                f"{'' if self.process.returncode is None else f', exit code {self.process.returncode}'}); "
                f"see {log_path}: {log_tail(log_path)}"
            )
        self.url = line.split()[-1]
        self.pid = self.process.pid
        # Keep reading its stdout, so that a chatty server never blocks on a full pipe.
        self.copier = threading.Thread(target=copy_lines, args=(self.process.stdout, self.log), daemon=True)
        self.copier.start()

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        stop_process(self.process)
        if hasattr(self, "copier"):
            self.copier.join(SERVER_STOP_TIMEOUT)
        self.log.close()


class RedisServer:
    """redis-server on a free loopback port, with a temporary directory of its own and no
    persistence, in the foreground; its log goes to `log_path`."""

    READY = "Ready to accept connections"

    def __init__(self, binary, log_path):
        self.dir = tempfile.mkdtemp(prefix="chatbench-redis-")
        self.port = free_port()
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(
            [
                binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()
        self.copier = threading.Thread(target=self.copy_log, args=(ready,), daemon=True)
        self.copier.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise StartError(f"redis-server did not get ready; see {log_path}: {log_tail(log_path)}")
        self.url = f"redis://127.0.0.1:{self.port}"
        self.pid = self.process.pid

    def copy_log(self, ready):
        for line in self.process.stdout:
            self.log.write(line)
            self.log.flush()
            if self.READY in line:
                ready.set()

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        stop_process(self.process)
        self.copier.join(SERVER_STOP_TIMEOUT)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def run_chat_load(command, timeout, stem):
    """Runs chat-load; saves its report and stderr next to `stem`; returns (report, problem),
    problem None when every delivery arrived."""
    report = None
    problem = None
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        pathlib.Path(f"{stem}.stderr").write_text(finished.stderr)
        try:
            report = json.loads(finished.stdout)
            pathlib.Path(f"{stem}.json").write_text(finished.stdout)
        except json.JSONDecodeError:
            problem = f"chat-load printed no report (exit {finished.returncode}): {finished.stderr.strip()[:300]}"
        if report is not None:
            problem = problem_of(report)
    except subprocess.TimeoutExpired:
        problem = f"chat-load did not finish within {timeout} s"
    return report, problem


def problem_of(report):
    """Why a report is not a complete run, or None."""
    if report.get("complete"):
        return None
    return "; ".join(report.get("errors") or []) or "incomplete deliveries"


def check_fd_limit(clients):
    """Fails unless this process may open a socket per client and then some."""
    needed = clients + 200
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        fail(f"the open-file limit is {soft}; {needed} are needed (the .sh wrapper raises it)")


def median(reports, read):
    values = [read(r) for r in reports]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cell(value, form):
    return "–" if value is None else form.format(value)


def latency(name):
    return lambda r: (r.get("latency_ms") or {}).get(name)


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Linux {platform.release()}"


def package_version(package):
    try:
        return subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def git_commit():
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=7"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def select_scenarios(candidates, only):
    """The scenarios whose keys `only` lists (comma-separated), or all of them."""
    if not only:
        return candidates
    keys = set(only.split(","))
    unknown = keys - {s.key for s in candidates}
    if unknown:
        fail(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return [s for s in candidates if s.key in keys]


def run_rounds(chosen, runs, run_one):
    """Runs every scenario `runs` times, interleaved so that drift on a shared machine hits
    them all alike; `run_one(scenario, round_number)` returns (report, problem). Returns
    {key: (reports, problems, [(report, problem) per run])}."""
    collected = {s.key: ([], [], []) for s in chosen}
    for round_number in range(1, runs + 1):
        for scenario in chosen:
            report, problem = run_one(scenario, round_number)
            reports, problems, every_run = collected[scenario.key]
            if report is not None:
                reports.append(report)
            problems.append(problem)
            every_run.append((report, problem))
            time.sleep(1)
    return collected


def load_saved(directory, candidates):
    """The scenarios of `candidates` whose reports (<key>-run<n>.json) a previous run saved
    in `directory`, and those reports, collected as run_rounds does."""
    directory = pathlib.Path(directory)
    chosen, collected = [], {}
    for scenario in candidates:
        paths = sorted(directory.glob(f"{scenario.key}-run*.json"))
        if not paths:
            continue
        chosen.append(scenario)
        reports = [json.loads(path.read_text()) for path in paths]
        problems = [problem_of(r) for r in reports]
        collected[scenario.key] = (reports, problems, list(zip(reports, problems)))
    if not chosen:
        fail(f"no reports in {directory}")
    return chosen, collected


def any_failed(collected):
    return any(p for _, problems, _ in collected.values() for p in problems)


def add_common_arguments(parser, results_prefix):
    """The options every end-to-end script takes; reports go to
    target/bench/<results_prefix><date-time> by default."""
    parser.add_argument("--runs", type=int, default=3, help="rounds over all scenarios; the table shows medians (default 3)")
    parser.add_argument("--timeout", type=int, default=240, help="seconds chat-load may take per run (default 240)")
    parser.add_argument("--results-dir", help="where raw reports and logs go "
                        f"(default target/bench/{results_prefix}<date-time>)")
    parser.add_argument("--render", metavar="DIR", help="run nothing: print the table of the reports saved in DIR")
    parser.add_argument("--target-dir", help="directory with the release chatserver and chat-load")
    parser.set_defaults(results_prefix=results_prefix)


def run_all(args, chosen, run_scenario):
    """Runs the chosen scenarios (`run_scenario(scenario, args, results_dir, round_number)`)
    for --runs rounds, prints the date, machine and rounds as a list, and returns what
    run_rounds collected and the directory of the reports."""
    check_fd_limit(max(s.clients for s in chosen))
    started = datetime.datetime.now()
    results_dir = pathlib.Path(args.results_dir or f"target/bench/{args.results_prefix}{started:%Y%m%d-%H%M%S}")
    results_dir.mkdir(parents=True, exist_ok=True)
    collected = run_rounds(
        chosen, args.runs, lambda scenario, number: run_scenario(scenario, args, results_dir, number)
    )
    print(f"- date: {started:%Y-%m-%d %H:%M}")
    print(f"- machine: {machine()}")
    print(f"- runs: {args.runs} per scenario, interleaved; medians shown; raw reports in {results_dir}")
    return collected


def runs_table(chosen, collected, columns):
    """One row per run: scenario, run, whether it was complete, then `columns`, each a
    (header, function from a report to the cell's text)."""
    lines = [
        "| scenario | run | complete | " + " | ".join(header for header, _ in columns) + " |",
        "|---|---|---|" + "---|" * len(columns),
    ]
    for scenario in chosen:
        for number, (report, problem) in enumerate(collected[scenario.key][2], start=1):
            if report is None:
                lines.append(f"| {scenario.title} | {number} | no: {problem} |" + " |" * len(columns))
                continue
            complete = "yes" if not problem else f"no: {problem}"
            cells = " | ".join(read(report) for _, read in columns)
            lines.append(f"| {scenario.title} | {number} | {complete} | {cells} |")
    return "\n".join(lines)


def p50_p99(form):
    """A column's reader: the run's p50 / p99 latency."""
    return lambda r: f"{cell(latency('p50')(r), form)} / {cell(latency('p99')(r), form)}"


def parse_arguments(parser, required, wrapper, scenarios, print_tables):
    """Reads the command line. With --render, prints the tables of the reports saved there
    (`print_tables(chosen, collected)`) and exits; else checks that the option `required`
    and --target-dir, which `wrapper` passes, are there, and returns (args, the scenarios
    chosen with --only among `scenarios(args)`)."""
    args = parser.parse_args()
    if args.render:
        print_tables(*load_saved(args.render, scenarios(args)))
        sys.exit(0)
    if not getattr(args, required.lstrip("-").replace("-", "_")) or not args.target_dir:
        parser.error(f"{required} and --target-dir are required ({wrapper} passes them)")
    return args, select_scenarios(scenarios(args), args.only)
