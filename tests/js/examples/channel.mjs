// A qwebchannel.js client of one flavour connected to an example server, with calls that
// work the same with both flavours (a trailing callback: Qt 5.15's copy has no Promises)
// and bounded waits for signals and property updates.

import { once } from 'node:events';
import WebSocket from 'ws';

import { withTimeout } from '../lib/deadline.mjs';
import { loadQWebChannel } from '../lib/flavours.mjs';

/**
 * Connects to `url` with the `flavour` qwebchannel.js (the WebSocket made with `options`,
 * such as `headers`); resolves once init is done.
 */
export async function open(t, url, flavour, options = {}) {
    const QWebChannel = loadQWebChannel(flavour);
    const socket = new WebSocket(url, options);
    await withTimeout(once(socket, 'open'), `the WebSocket to ${url} to open`);
    const frames = [];
    const transport = { send: (text) => socket.send(text) };
    socket.on('message', (data) => {
        const text = data.toString('utf8');
        frames.push(JSON.parse(text));
        transport.onmessage({ data: text });
    });
    const channel = await withTimeout(
        new Promise((resolve) => new QWebChannel(transport, resolve)),
        `the init response (${flavour} qwebchannel.js)`,
    );
    t.after(async () => {
        const closed = once(socket, 'close');
        socket.close(1000);
        await withTimeout(closed, 'the WebSocket to close').catch(() => socket.terminate());
    });
    return { channel, frames };
}

/** `object[method](...args)` with a callback; resolves with what the callback gets. */
export function call(object, method, ...args) {
    return withTimeout(
        new Promise((resolve) => object[method](...args, resolve)),
        `the answer to ${method}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`,
    );
}

/**
 * Resolves with the arguments of the first emission of `signal` from now on that
 * `wanted` accepts (any, by default), then disconnects.
 */
export function emission(signal, wanted, what) {
    return withTimeout(
        new Promise((resolve) => {
            const handler = (...args) => {
                if (wanted(args)) {
                    signal.disconnect(handler);
                    resolve(args);
                }
            };
            signal.connect(handler);
        }),
        what,
    );
}

/** Resolves with the arguments of the next emission of `signal` from now on. */
export function nextEmission(signal, what) {
    return emission(signal, () => true, what);
}

/**
 * Resolves once `signal` has fired, staying connected: for `destroyed`, which a callback
 * cannot disconnect from (qwebchannel.js has already torn the object down by then).
 */
export function fired(signal, what) {
    return withTimeout(new Promise((resolve) => signal.connect(() => resolve())), what);
}

/** Waits (bounded) until `condition()` holds, checking whenever `signal` fires. */
export async function until(signal, condition, what) {
    while (!condition()) {
        await nextEmission(signal, what);
    }
}

/** The response frame to the request sent last through `channel`. */
export function lastResponse(channel, frames) {
    const id = channel.execId - 1;
    return frames.find((frame) => frame.type === 10 && frame.id === id);
}

/**
 * Tries to open a WebSocket that the server must refuse: resolves with the HTTP status and
 * body it answered the upgrade with.
 */
export async function refusedUpgrade(url, options = {}) {
    const socket = new WebSocket(url, options);
    const [request, response] = await withTimeout(once(socket, 'unexpected-response'), `the refusal of ${url}`);
    // Taken now: once the body is read, Node hands the connection back to its agent, which
    // would keep it for another request.
    const connection = response.socket;
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
        body += chunk;
    });
    await withTimeout(once(response, 'end'), 'the refusal\'s body');
    request.destroy();
    connection.destroy();
    return { status: response.statusCode, body };
}
