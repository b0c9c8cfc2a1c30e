// Our chatserver binary as a child of a Node test, for tests that must stop and restart the
// server themselves (the browser test's reconnection): started on a given address, found
// through the `listening on ws://ADDR` line it prints, its log kept, every wait bounded.

import { spawn } from 'node:child_process';

/** How long a (debug) server may take to print its address, or to exit after SIGINT. */
const STARTUP_MS = 30_000;
const SHUTDOWN_MS = 15_000;
const READY_PREFIX = 'listening on ws://';

/** The chatserver binary the test runs: `$CHATSERVER_BIN`, which `cargo test` sets. */
export function chatserverBinary() {
    const binary = process.env.CHATSERVER_BIN;
    if (binary === undefined || binary === '') {
        throw new Error('CHATSERVER_BIN must name the chatserver binary (cargo test sets it)');
    }
    return binary;
}

/** A running chatserver. */
export class ChatserverProcess {
    /**
     * Starts `binary` with `--listen <listen>` and `args`, and waits (bounded) until it
     * prints the address it listens on.
     */
    static async start(binary, listen, args = []) {
        const child = spawn(binary, ['--listen', listen, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, NO_COLOR: '1' },
        });
        const server = new ChatserverProcess(child);
        await server.#ready();
        return server;
    }

    /** The address it listens on, such as `127.0.0.1:40123`. */
    address;
    /** Everything it wrote to stderr (its log) so far. */
    log = '';

    #child;
    #stdout = '';
    #exited;

    constructor(child) {
        this.#child = child;
        child.stdout.setEncoding('utf8');
        child.stderr.setEncoding('utf8');
        child.stdout.on('data', (text) => {
            this.#stdout += text;
        });
        child.stderr.on('data', (text) => {
            this.log += text;
        });
        this.#exited = new Promise((resolve) => {
            child.on('exit', (code, signal) => resolve({ code, signal }));
            child.on('error', (error) => resolve({ code: null, signal: null, error }));
        });
    }

    /** The page's address: `http://<address>/`. */
    get pageUrl() {
        return `http://${this.address}/`;
    }

    async #ready() {
        const deadline = Date.now() + STARTUP_MS;
        let exited = false;
        this.#exited.then(() => {
            exited = true;
        });
        while (Date.now() < deadline && !exited) {
            const line = this.#stdout.split('\n').find((candidate) => candidate.startsWith(READY_PREFIX));
            if (line !== undefined) {
                this.address = line.slice(READY_PREFIX.length).trim();
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        this.kill();
        throw new Error(`the chatserver ${exited ? 'exited' : `printed no address within ${STARTUP_MS} ms`}; stdout:\n${this.#stdout}\nlog:\n${this.log}`);
    }

    /** Stops it with SIGINT (as Ctrl-C) and resolves with its exit code; bounded. */
    async stop() {
        this.#child.kill('SIGINT');
        let timer;
        const exit = await Promise.race([
            this.#exited,
            new Promise((resolve) => {
                timer = setTimeout(() => resolve(undefined), SHUTDOWN_MS);
            }),
        ]).finally(() => clearTimeout(timer));
        if (exit === undefined) {
            this.kill();
            throw new Error(`the chatserver was still running ${SHUTDOWN_MS} ms after SIGINT; log:\n${this.log}`);
        }
        return exit.code;
    }

    /** Sends it `signal` (`SIGSTOP` freezes it as a hung process, `SIGCONT` lets it go on). */
    signal(signal) {
        this.#child.kill(signal);
    }

    /** Kills it at once if it still runs (for the end of a failed test). */
    kill() {
        if (this.#child.exitCode === null && this.#child.signalCode === null) {
            this.#child.kill('SIGKILL');
        }
    }
}
