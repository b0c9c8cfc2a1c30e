#!/usr/bin/env python3
"""Runs chat-load against several chatserver instances sharing one chat through Redis.

cluster.sh calls this after installing redis-server, building chatserver and chat-load
and raising the fd limit. Each scenario starts a fresh Redis (when it uses one: free port,
temporary directory, no persistence) and fresh instances (each on a free port, with
--redis redis://127.0.0.1:PORT), runs chat-load with every instance's URL (clients and
senders spread round-robin), every instance's pid and Redis's pid, and stops everything.
Scenarios are interleaved and the whole list is repeated --runs times. The table shows
medians, and the total CPU per delivery (instances + Redis) against one instance
without Redis at the same size.
"""

import argparse
import os
import sys

from chatbench import (
    OurServer, RedisServer, StartError, add_common_arguments, any_failed, cell, git_commit, latency,
    median, note, p50_p99, package_version, run_all, run_chat_load, runs_table,
    parse_arguments,
)

SENDERS = 10


class Scenario:
    def __init__(self, instances, redis, clients, messages, rate=None):
        self.instances = instances
        self.redis = redis
        self.clients = clients
        self.messages = messages
        self.rate = rate
        setup = f"redis{instances}" if redis else "solo"
        self.key = f"{'latency-' if rate else ''}{setup}-{clients}"
        # What the CPU ratio compares with: one instance without Redis, same load.
        self.baseline = f"{'latency-' if rate else ''}solo-{clients}"
        instances_text = f"{instances} instance{'s' if instances > 1 else ''}"
        self.title = f"{instances_text} {'+ Redis' if redis else 'without Redis'} @{clients:,}"
        if rate:
            self.title += f", {rate:g} msg/s"


def scenarios(args):
    chosen = []
    for clients, messages in ((1_000, 2_000), (10_000, args.messages_10000)):
        chosen.append(Scenario(1, False, clients, messages))
        for instances in (1, 2, 4):
            chosen.append(Scenario(instances, True, clients, messages))
    chosen.append(Scenario(1, False, 1_000, args.latency_messages, rate=args.latency_rate))
    chosen.append(Scenario(2, True, 1_000, args.latency_messages, rate=args.latency_rate))
    return chosen


def start_cluster(scenario, args, stem):
    """Redis (if the scenario uses it) and the instances; (redis, servers), or raises
    StartError after stopping whatever had started."""
    redis = RedisServer(args.redis_server, f"{stem}.redis.log") if scenario.redis else None
    servers = []
    try:
        for number in range(scenario.instances):
            extra = ["--redis", redis.url] if redis else []
            servers.append(OurServer(os.path.join(args.target_dir, "chatserver"), extra, f"{stem}.server{number}.log"))
    except StartError:
        for server in servers:
            server.stop()
        if redis:
            redis.stop()
        raise
    return redis, servers


def run_scenario(scenario, args, results_dir, round_number):
    stem = results_dir / f"{scenario.key}-run{round_number}"
    try:
        redis, servers = start_cluster(scenario, args, stem)
    except StartError as error:
        note(f"{scenario.title}, run {round_number}: NOT RUN: {error}")
        return None, f"not run: {error}"
    command = [
        os.path.join(args.target_dir, "chat-load"),
        "--clients", str(scenario.clients),
        "--senders", str(SENDERS),
        "--messages", str(scenario.messages),
        "--timeout", f"{args.timeout}s",
    ]
    for server in servers:
        command += ["--url", server.url, "--server-pid", str(server.pid)]
    if redis:
        command += ["--broker-pid", str(redis.pid)]
    if scenario.rate:
        command += ["--rate", f"{scenario.rate:g}"]
    note(f"{scenario.title}, run {round_number}: {' '.join(command)}")
    report, problem = run_chat_load(command, args.timeout + 30, stem)
    dead = [f"instance {n} exited (code {s.process.returncode})" for n, s in enumerate(servers) if not s.alive()]
    if redis and not redis.alive():
        dead.append(f"redis-server exited (code {redis.process.returncode})")
    if dead:
        problem = "; ".join(([problem] if problem else []) + dead)
    for server in servers:
        server.stop()
    if redis:
        redis.stop()
    if problem:
        note(f"{scenario.title}, run {round_number}: FAILED: {problem}")
    if report is not None:
        note(
            f"{scenario.title}, run {round_number}: {total_cpu(report)} us CPU per delivery "
            f"(instances + Redis), {report['deliveries_per_s']:,.0f} deliveries/s"
        )
    return report, problem


def total_cpu(report):
    """CPU per delivery of the instances and Redis together."""
    if "cluster_cpu_us_per_delivery" in report:
        return report["cluster_cpu_us_per_delivery"]
    return report.get("server_cpu_us_per_delivery")


def complete_cell(reports, problems):
    if not reports:
        first = next((p for p in problems if p), "no report")
        return f"**NO** ({first})"
    received = sum(r["deliveries_received"] for r in reports)
    expected = sum(r["deliveries_expected"] for r in reports)
    if received != expected or any(problems):
        return f"**NO** {received:,} / {expected:,}"
    return f"yes, {reports[0]['deliveries_expected']:,} ×{len(reports)}"


def ratio(value, baseline):
    if value is None or baseline is None or baseline == 0:
        return "–"
    return f"{value / baseline:.2f}×"


def table(chosen, collected):
    lines = [
        "| scenario | messages | all delivered? | deliveries / s | p50 (ms) | p99 (ms) "
        "| instances' CPU / delivery, summed (µs) | Redis CPU / delivery (µs) "
        "| total CPU / delivery (µs) | total / 1 instance without Redis |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in chosen:
        reports, problems, _ = collected[scenario.key]
        total = median(reports, total_cpu)
        baseline_reports = collected.get(scenario.baseline, ([], [], []))[0]
        baseline = median(baseline_reports, total_cpu)
        # What the runs did, as their reports say (a re-print may use other defaults).
        sent = reports[0]["messages"] if reports else scenario.messages
        rate = reports[0].get("rate_per_s") if reports else scenario.rate
        messages = f"{sent:,}" + (f" at {rate:g}/s" if rate else "")
        lines.append(
            f"| {scenario.title} | {messages} | {complete_cell(reports, problems)} "
            f"| {cell(median(reports, lambda r: r.get('deliveries_per_s')), '{:,.0f}')} "
            f"| {cell(median(reports, latency('p50')), '{:,.2f}')} "
            f"| {cell(median(reports, latency('p99')), '{:,.2f}')} "
            f"| {cell(median(reports, lambda r: r.get('server_cpu_us_per_delivery')), '{:.2f}')} "
            f"| {cell(median(reports, lambda r: r.get('broker_cpu_us_per_delivery')), '{:.2f}')} "
            f"| {cell(total, '{:.2f}')} "
            f"| {ratio(total, baseline)} |"
        )
    return "\n".join(lines)


RUN_COLUMNS = [
    ("total CPU / delivery (µs)", lambda r: cell(total_cpu(r), "{:.2f}")),
    ("deliveries / s", lambda r: f"{r['deliveries_per_s']:,.0f}"),
    ("p50 / p99 (ms)", p50_p99("{:.2f}")),
]


def print_tables(chosen, collected):
    print(table(chosen, collected))
    print(
        "\nCPU is utime + stime over the messaging phase: the instances' summed, Redis's, and "
        "both together, per delivery. The last column divides the total by one instance "
        "without Redis under the same load.\n"
    )
    print("### Every run\n")
    print(runs_table(chosen, collected, RUN_COLUMNS))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated scenario keys, e.g. solo-1000,redis2-1000 (default: all of "
                        "solo-1000, redis1-1000, redis2-1000, redis4-1000, solo-10000, redis1-10000, "
                        "redis2-10000, redis4-10000, latency-solo-1000, latency-redis2-1000)")
    parser.add_argument("--messages-10000", type=int, default=200, help="messages for the 10,000-client runs (default 200)")
    parser.add_argument("--latency-messages", type=int, default=300,
                        help="messages for the latency runs (default 300: 30 s at 10 per second)")
    parser.add_argument("--latency-rate", type=float, default=10.0,
                        help="messages per second, all senders together, in the latency runs (default 10)")
    parser.add_argument("--redis-server", help="the redis-server binary")
    add_common_arguments(parser, "cluster-")
    args, chosen = parse_arguments(parser, "--redis-server", "cluster.sh", scenarios, print_tables)
    print("## Scaling out: chatserver instances sharing one chat through Redis\n")
    collected = run_all(args, chosen, run_scenario)
    print(f"- ours: commit {git_commit()}, release build; Redis: redis-server {package_version('redis-server')}, "
          "default settings (hz 10), no persistence")
    print(f"- generator: chat-load, {SENDERS} senders, clients and senders spread round-robin over the instances, "
          "at most 100 clients per loopback source address\n")
    print_tables(chosen, collected)
    sys.exit(1 if any_failed(collected) else 0)


if __name__ == "__main__":
    main()
