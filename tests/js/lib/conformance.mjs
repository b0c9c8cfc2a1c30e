// The conformance suite's clients: Qt's qwebchannel.js (either flavour) in a room of the
// conformance server, recording every frame both ways, with bounded waits for frames and
// a barrier that proves earlier output has arrived.
//
// Every test opens a room of its own (`ws://ADDR/<room>`, a fresh set of test objects on
// the server), so tests that change channel-wide state cannot disturb each other.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';

import { withTimeout } from './deadline.mjs';
import { serverUrl } from './environment.mjs';
import { loadQWebChannel } from './flavours.mjs';
import { RawSocket } from './raw-socket.mjs';
import { MessageType as Type } from '../../../webchannel/js/webchannel.js';

/** QWebChannel message types (docs/protocol.md), as the runtime's own client names them. */
export { MessageType as Type } from '../../../webchannel/js/webchannel.js';

/** The objects every room publishes by name. */
export const registeredNames = [
    'calendar', 'calls', 'control', 'dial', 'factory', 'fan', 'lobby',
    'otherProps', 'overloads', 'props', 'signals', 'values', 'worker',
];

let rooms = 0;

/**
 * A room of its own for test `t`; `updateIntervalMs` sets its property update interval.
 * Every client opened through it is closed when the test ends.
 */
export function openRoom(t, { updateIntervalMs } = {}) {
    rooms += 1;
    const label = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
    const name = `${label}-${process.pid}-${rooms}`;
    const query = updateIntervalMs === undefined ? '' : `?updateIntervalMs=${updateIntervalMs}`;
    return new Room(t, `${serverUrl}/${name}${query}`);
}

export class Room {
    constructor(t, url) {
        this.t = t;
        this.url = url;
    }

    /** A qwebchannel.js client of `flavour`, initialised (its init callback has run). */
    async connect(flavour) {
        const client = await Client.connect(this.url, flavour);
        this.t.after(() => client.close());
        return client;
    }

    /** A WebSocket without qwebchannel.js, for what no well-behaved client sends. */
    async raw() {
        const socket = await RawSocket.open(this.url);
        this.t.after(() => socket.close());
        return socket;
    }
}

/** One qwebchannel.js client and the frames it exchanged. */
export class Client {
    static async connect(url, flavour) {
        const QWebChannel = loadQWebChannel(flavour);
        const socket = new WebSocket(url);
        await withTimeout(once(socket, 'open'), `the WebSocket to ${url} to open`);
        const client = new Client(flavour, socket);
        const transport = {
            send: (text) => {
                client.sent.push(JSON.parse(text));
                socket.send(text);
            },
        };
        socket.on('message', (data, isBinary) => client.receive(transport, data, isBinary));
        const ready = new Promise((resolve) => {
            client.channel = new QWebChannel(transport, resolve);
        });
        await withTimeout(ready, `the init response (${flavour} qwebchannel.js)`);
        return client;
    }

    constructor(flavour, socket) {
        this.flavour = flavour;
        this.socket = socket;
        this.channel = undefined;
        /** Every frame received, parsed, in order. */
        this.received = [];
        /** Every frame sent, parsed, in order. */
        this.sent = [];
        /** Exceptions qwebchannel.js threw while handling a frame, and binary frames. */
        this.clientErrors = [];
        this.waiters = new Set();
    }

    /** The proxies, by name (`client.objects.props`). */
    get objects() {
        return this.channel.objects;
    }

    receive(transport, data, isBinary) {
        if (isBinary) {
            this.clientErrors.push(new Error(`unexpected binary frame of ${data.length} bytes`));
            return;
        }
        const text = data.toString('utf8');
        this.received.push(JSON.parse(text));
        // An exception here would otherwise escape into `ws` and end the test process.
        try {
            transport.onmessage({ data: text });
        } catch (error) {
            this.clientErrors.push(error);
        }
        for (const waiter of [...this.waiters]) {
            waiter();
        }
    }

    /** Awaits `promise` (a call's result), bounded, naming `what` on timeout. */
    settle(promise, what) {
        return withTimeout(promise, what);
    }

    /**
     * Resolves with `condition()`'s value once it is truthy, checking now and after each
     * received frame (once qwebchannel.js has handled it); bounded.
     */
    until(condition, what) {
        let check;
        const done = new Promise((resolve) => {
            check = () => {
                const value = condition();
                if (value) {
                    resolve(value);
                }
            };
            this.waiters.add(check);
            check();
        });
        const describe = () => `${typeof what === 'function' ? what() : what} (${this.flavour} qwebchannel.js)`;
        return withTimeout(done, describe).finally(() => this.waiters.delete(check));
    }

    /** Waits for the first received frame at or after position `from` that satisfies `predicate`. */
    waitForFrame(predicate, what, from = 0) {
        return this.until(
            () => this.received.slice(from).find(predicate),
            () => `${what}; received: ${abbreviate(this.received.slice(from))}`,
        );
    }

    /**
     * Proves that everything the server queued for this client before now has arrived: two
     * round trips through `control`, as property updates may follow the first response.
     */
    async barrier() {
        for (let round = 0; round < 2; round += 1) {
            await this.settle(this.objects.control.updatesBlocked(), 'the barrier call');
        }
    }

    /** Received frames of `type` (from position `from` on). */
    receivedOfType(type, from = 0) {
        return this.received.slice(from).filter((frame) => frame.type === type);
    }

    /** Sent frames of `type`. */
    sentOfType(type) {
        return this.sent.filter((frame) => frame.type === type);
    }

    /** The id qwebchannel.js gave the request it sent last. */
    lastRequestId() {
        return this.channel.execId - 1;
    }

    /** The `data` of the init response: every registered object's description. */
    initData() {
        return this.received.find((frame) => frame.type === Type.response && frame.id === 0).data;
    }

    /** The response frame to request `id`. */
    responseFrame(id) {
        return this.received.find((frame) => frame.type === Type.response && frame.id === id);
    }

    /**
     * Sends `message` through qwebchannel.js's own `exec` (which adds the id) and resolves
     * with the raw response frame: for requests the proxies cannot make.
     */
    async exec(message) {
        const answered = new Promise((resolve) => this.channel.exec(message, resolve));
        const id = this.lastRequestId();
        await this.settle(answered, `the response to ${JSON.stringify(message)}`);
        return this.responseFrame(id);
    }

    /** `exec` of an invokeMethod. */
    invoke(object, method, args = []) {
        return this.exec({ type: Type.invokeMethod, object, method, args });
    }

    /**
     * Calls `promise`-returning `call()` and resolves with its rejection and the response
     * frame; fails if the call resolves instead.
     */
    async rejection(call, what) {
        const promise = call();
        const id = this.lastRequestId();
        let outcome;
        try {
            outcome = { resolved: await this.settle(promise, what) };
        } catch (reason) {
            if (reason instanceof Error && reason.message.startsWith('timed out')) {
                throw reason;
            }
            outcome = { rejected: reason };
        }
        if ('resolved' in outcome) {
            throw new Error(`${what} resolved with ${JSON.stringify(outcome.resolved)} instead of rejecting`);
        }
        return { reason: outcome.rejected, response: this.responseFrame(id) };
    }

    /** Sends a message without waiting for anything. */
    send(message) {
        this.channel.send(message);
    }

    /** Closes the WebSocket and waits (bounded) for the closing handshake. */
    async close() {
        if (this.socket.readyState === WebSocket.CLOSED) {
            return;
        }
        const closed = once(this.socket, 'close');
        this.socket.close(1000);
        try {
            await withTimeout(closed, 'the WebSocket close handshake');
        } catch {
            this.socket.terminate();
        }
    }
}


/** Words of Rust and serde that an error text a client reads must never contain. */
const rustWords = /\b(?:[iu](?:8|16|32|64|128|size)|f32|f64|String|str|Vec|Option|Box|HashMap|BTreeMap|Handle|serde|untagged|variant of|invalid type|invalid value|missing field|expected (?:a |an |struct|map|sequence|tuple))\b/;

/**
 * Asserts a failed call's response: no `data` (so the client rejects), exactly this
 * `error`, which names no Rust type and quotes no serde message.
 */
export function assertRefused(response, error) {
    assert.ok(response !== undefined, 'no response frame');
    assert.equal(response.type, Type.response);
    assert.ok(!Object.hasOwn(response, 'data'), `answered with data: ${JSON.stringify(response)}`);
    assert.equal(response.error, error);
    assert.doesNotMatch(response.error, rustWords, 'an error text for clients speaks of Rust');
}

/** Records every call of a callback: `recorder.fn` to connect, `recorder.calls` to read. */
export class CallRecorder {
    constructor() {
        this.calls = [];
        this.fn = (...args) => {
            this.calls.push(args);
        };
    }
}

function abbreviate(frames) {
    const text = JSON.stringify(frames);
    return text.length > 600 ? `${text.slice(0, 300)} ... ${text.slice(-300)}` : text;
}
