#!/usr/bin/env python3
"""Runs `chat-load flood` against our chatserver: the memory-under-attack scenario.

flood.sh calls this after building chatserver and chat-load in release mode. Each
scenario starts a fresh chatserver with its default limits (a free loopback port), runs
`chat-load flood` against it (logged-in attackers sending the largest chat messages as
fast as the server takes them, 50 logged-in clients that never read, one reader at
10 MB/s), and stops the server. It prints a Markdown table of the server's memory (idle,
peak, 10 s after everyone left) and what the paced reader and the clients that never
read got, and exits 1 if a run missed a bound.
"""

import argparse
import datetime
import json
import pathlib
import subprocess
import sys

from chatbench import OurServer, StartError, note

ATTACKERS = (1, 4)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", default="target/release",
                        help="where chatserver and chat-load are (default: target/release)")
    parser.add_argument("--attackers", type=int, nargs="+", default=list(ATTACKERS),
                        help="attackers per scenario, one scenario each (default: 1 4)")
    parser.add_argument("--duration", default="10s", help="how long the attackers send")
    parser.add_argument("--settle", default="10s",
                        help="how long after everyone left memory is read again")
    parser.add_argument("--server-flags", default="",
                        help="extra chatserver flags, space-separated, as --server-flags=\"--max-queued-bytes 1048576\"")
    parser.add_argument("--out", help="directory for reports and logs "
                        "(default: target/bench/flood-<date-time>)")
    return parser.parse_args()


def run(args, attackers, out):
    stem = out / f"flood-{attackers}"
    target = pathlib.Path(args.target_dir)
    server = OurServer(str(target / "chatserver"), args.server_flags.split(),
                       f"{stem}.server.log")
    try:
        command = [
            str(target / "chat-load"), "flood", "--url", server.url,
            "--server-pid", str(server.pid), "--attackers", str(attackers),
            "--duration", args.duration, "--settle", args.settle,
        ]
        note(f"{attackers} attacker(s): {' '.join(command[1:])}")
        with open(f"{stem}.err", "w") as errors:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                  timeout=600)
        pathlib.Path(f"{stem}.json").write_text(done.stdout)
        if not server.alive():
            return None, "the server died"
        report = json.loads(done.stdout)
        return report, None
    except (subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        return None, f"chat-load failed: {error}"
    finally:
        server.stop()


def row(attackers, report):
    paced = report["paced"]
    received = min(reader["received"] for reader in paced)
    closed = [reader["closed"] for reader in paced if reader.get("closed")]
    stalled = ", ".join(f"{count} × {ending}" for ending, count in report["stalled_endings"].items())
    cells = [
        str(attackers),
        f"{report['attack_mib_per_s']:.2f}",
        f"{report['messages_accepted']:,}",
        f"{report['server_rss_kb_idle'] / 1024:.1f}",
        f"{report['peak_above_idle_mib']:.1f}",
        f"{report['after_above_idle_mib']:.1f}",
        f"{received:,} of {report['messages_accepted']:,}"
        + (f", closed: {'; '.join(closed)}" if closed else ", never closed"),
        stalled,
        "yes" if report["complete"] else "**no**",
    ]
    return "| " + " | ".join(cells) + " |"


def main():
    args = parse_arguments()
    out = pathlib.Path(args.out or
                       f"target/bench/flood-{datetime.datetime.now():%Y%m%d-%H%M%S}")
    out.mkdir(parents=True, exist_ok=True)
    rows, failed = [], False
    for attackers in args.attackers:
        try:
            report, problem = run(args, attackers, out)
        except StartError as error:
            report, problem = None, str(error)
        if report is None:
            failed = True
            rows.append(f"| {attackers} | not run: {problem} |")
            continue
        failed |= not report["complete"]
        rows.append(row(attackers, report))
    print("| attackers | sent MiB/s (all) | messages accepted | idle RSS MiB "
          "| peak above idle MiB | above idle MiB, settle later | paced reader (10 MB/s) "
          "| clients that never read | within bounds |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    note(f"reports and logs in {out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
