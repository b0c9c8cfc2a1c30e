// Chats shared by several chatserver instances through Redis: instances a test starts
// itself (to kill them), a Redis it kills and starts again on the same port, and waiting
// on everything every client sees.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';

import { ChatserverProcess, chatserverBinary } from './chatserver-process.mjs';
import { connectForTest } from './client.mjs';
import { withTimeout } from './deadline.mjs';

/**
 * The keep-alive every instance runs with: short, so a dead instance's users go within
 * seconds, yet long enough for a debug build on a busy machine to keep its presence.
 */
export const keepAlive = { intervalMs: 2000, graceMs: 1000 };

/** Starts `count` instances of one chat on the Redis at `redisUrl`, killed when `t` ends. */
export async function startInstances(t, count, redisUrl, namespace) {
    const instances = [];
    t.after(() => instances.forEach((instance) => instance.kill()));
    for (let n = 0; n < count; n += 1) {
        instances.push(await ChatserverProcess.start(chatserverBinary(), '127.0.0.1:0', [
            '--redis', redisUrl,
            '--redis-namespace', namespace,
            '--keep-alive-interval', `${keepAlive.intervalMs}ms`,
            '--keep-alive-grace', `${keepAlive.graceMs}ms`,
            '--message-rate', '0',
        ]));
    }
    return instances;
}

/**
 * One client per URL, each logged in under the name at the same position of `names`;
 * resolves once every client's list is exactly `names`.
 */
export async function logInEverywhere(t, urls, names, flavour = 'npm') {
    const clients = [];
    for (const [index, url] of urls.entries()) {
        const client = await connectForTest(t, url, flavour);
        assert.equal(await client.login(names[index]), true, `login(${names[index]}) on ${url}`);
        clients.push(client);
    }
    await everyListIs(clients, names);
    return clients;
}

/** Resolves once the userList of every client is exactly `names`, sorted. */
export function everyListIs(clients, names, ms) {
    const wanted = JSON.stringify([...names].sort());
    return Promise.all(clients.map((client) => client.userListChanges.until(
        () => JSON.stringify(client.chat.userList) === wanted,
        () => `userList at ${client.userName} to be ${wanted}; it is ${JSON.stringify(client.chat.userList)}`,
        ms,
    )));
}

/** Checks `condition` every 50 ms until it holds; rejects after `ms`, saying `what`. */
export async function poll(condition, what, ms) {
    let stop = false;
    const polling = (async () => {
        while (!stop) {
            const value = await condition();
            if (value) {
                return value;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return undefined;
    })();
    try {
        return await withTimeout(polling, what, ms);
    } finally {
        stop = true;
    }
}

/** How many lines of `log` contain `text`. */
export function linesWith(log, text) {
    return log.split('\n').filter((line) => line.includes(text)).length;
}

/**
 * A Redis server the test kills and starts again: the process `pid` (started by the Rust
 * side, without persistence), restarted with `argv` (the program, then its arguments),
 * so on the same port and empty, as after a crash.
 */
export class RedisControl {
    constructor(t, url, pid, argv) {
        this.port = Number(new URL(url).port);
        this.pid = pid;
        this.argv = argv;
        this.child = undefined;
        t.after(() => this.child?.kill('SIGKILL'));
    }

    /** Kills it (SIGKILL) and resolves once nothing accepts connections on its port. */
    async kill() {
        process.kill(this.pid, 'SIGKILL');
        await poll(async () => !(await this.#accepts()), `Redis on port ${this.port} to stop accepting connections`, 10_000);
    }

    /** Starts it again; resolves once it is ready. */
    async restart() {
        const child = spawn(this.argv[0], this.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        this.child = child;
        this.pid = child.pid;
        let output = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (text) => {
            output += text;
        });
        await poll(() => output.includes('Ready to accept connections'), () => `Redis to restart; it said:\n${output}`, 30_000);
    }

    #accepts() {
        return new Promise((resolve) => {
            const socket = net.connect(this.port, '127.0.0.1');
            socket.once('connect', () => {
                socket.destroy();
                resolve(true);
            });
            socket.once('error', () => resolve(false));
        });
    }
}
