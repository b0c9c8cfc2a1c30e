// A WebSocket without qwebchannel.js, for sending what no well-behaved client would
// (bad JSON, unknown types, binary frames) and looking at exactly what comes back.

import { once } from 'node:events';
import WebSocket from 'ws';

import { withTimeout } from './deadline.mjs';

/** A raw connection that records every frame the server sends. */
export class RawSocket {
    /** Opens a connection to `url` (bounded wait). */
    static async open(url) {
        const socket = new WebSocket(url);
        await withTimeout(once(socket, 'open'), `the raw WebSocket to ${url} to open`);
        return new RawSocket(socket);
    }

    constructor(socket) {
        this.socket = socket;
        /** Every frame received: `{ text, json }` (`json` undefined when unparsable) or `{ binary }`. */
        this.frames = [];
        this.waiters = new Set();
        /** Resolves with `{ code, reason }` when the connection closes, however that happens. */
        this.closed = new Promise((resolve) => {
            socket.on('close', (code, reason) => {
                resolve({ code, reason: reason.toString('utf8') });
                this.notify();
            });
        });
        // Without a listener an 'error' event would throw; the close that follows is enough.
        socket.on('error', () => {});
        socket.on('message', (data, isBinary) => {
            if (isBinary) {
                this.frames.push({ binary: data });
            } else {
                const text = data.toString('utf8');
                this.frames.push({ text, json: parseOrUndefined(text) });
            }
            this.notify();
        });
    }

    /** Whether the server still has the connection open. */
    get isOpen() {
        return this.socket.readyState === WebSocket.OPEN;
    }

    /** Sends `text` as one text frame, as is. */
    sendText(text) {
        this.socket.send(text, { binary: false });
    }

    /** Sends `value` serialized as JSON in one text frame. */
    sendJson(value) {
        this.sendText(JSON.stringify(value));
    }

    /** Sends `bytes` as one binary frame. */
    sendBinary(bytes) {
        this.socket.send(bytes, { binary: true });
    }

    /** Waits for the first received JSON frame (old or new) that satisfies `predicate`. */
    nextJson(predicate, what) {
        let check;
        const found = new Promise((resolve, reject) => {
            check = () => {
                const frame = this.frames.find((candidate) => candidate.json !== undefined && predicate(candidate.json));
                if (frame !== undefined) {
                    resolve(frame.json);
                } else if (this.socket.readyState === WebSocket.CLOSED) {
                    reject(new Error(`the server closed the connection before ${what}`));
                }
            };
            this.waiters.add(check);
            check();
        });
        return withTimeout(found, what).finally(() => this.waiters.delete(check));
    }

    /** Sends `message` (which carries an `id`) and waits for the response with that id. */
    request(message) {
        this.sendJson(message);
        return this.nextJson(
            (frame) => frame.type === 10 && frame.id === message.id,
            `the response to ${JSON.stringify(message)}`,
        );
    }

    /** Closes the connection and waits (bounded) until it is closed. */
    async close() {
        if (this.socket.readyState !== WebSocket.CLOSED) {
            this.socket.close(1000);
            try {
                await withTimeout(this.closed, 'the raw WebSocket to close');
            } catch {
                this.socket.terminate();
            }
        }
    }

    notify() {
        for (const waiter of [...this.waiters]) {
            waiter();
        }
    }
}

function parseOrUndefined(text) {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
