// webchannel.js: a small QWebChannel client as an ES module, with Promise-based calls.
//
// It speaks the wire protocol Qt's qwebchannel.js speaks (see docs/protocol.md), so it works
// with any QWebChannel server, ours or Qt's, in a browser or in Node:
//
//     import { connect } from './webchannel.js';
//     const channel = await connect('ws://127.0.0.1:12345');
//     const chat = channel.objects.chatserver;
//     chat.newMessage.connect((time, user, text) => console.log(time, user, text));
//     await chat.login('alice');                // resolves with the method's result
//     console.log(chat.userList);               // property values are kept up to date
//     channel.closed.then(({ code }) => ...);   // however the connection ends
//
// Published objects inside values (`__QObject*__`) are not turned into proxies: they
// arrive as the plain JSON the server sent.

/** The message types of the protocol (the `type` field). */
export const MessageType = Object.freeze({
    signal: 1,
    propertyUpdate: 2,
    init: 3,
    idle: 4,
    debug: 5,
    invokeMethod: 6,
    connectToSignal: 7,
    disconnectFromSignal: 8,
    setProperty: 9,
    response: 10,
});

/** How long `connect` waits, by default, for the socket to open and the init response. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The WebSocket `readyState` of an open socket (the same in browsers and `ws`). */
const OPEN = 1;

/** Signals the client is always connected to: the server sends them unasked. */
const ALWAYS_CONNECTED = new Set(['destroyed', 'destroyed()', 'destroyed(QObject*)']);

/** A failed connection or call; `reason` is the server's `error` text when it gave one. */
export class WebChannelError extends Error {
    constructor(message, reason) {
        super(reason === undefined ? message : `${message}: ${reason}`);
        this.name = 'WebChannelError';
        this.reason = reason;
    }
}

/**
 * Opens a WebSocket to `url` and initialises a channel on it; resolves with the
 * `WebChannel` once every published object is there, rejects with a `WebChannelError`
 * when the socket cannot open or no init response comes within `timeoutMs`.
 *
 * `WebSocket` is the constructor to use: the global one by default (browsers, Node 22+);
 * pass the `ws` package's elsewhere.
 */
export async function connect(url, { WebSocket = globalThis.WebSocket, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS } = {}) {
    if (typeof WebSocket !== 'function') {
        throw new WebChannelError('no WebSocket implementation: pass one as the WebSocket option');
    }
    const socket = new WebSocket(url);
    let timer;
    const timedOut = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new WebChannelError(`no answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
        return await Promise.race([WebChannel.open(socket, url), timedOut]);
    } catch (error) {
        socket.close();
        throw error;
    } finally {
        clearTimeout(timer);
    }
}

/** One connection to a QWebChannel server and the proxies of the objects it publishes. */
export class WebChannel {
    /**
     * Initialises a channel on `socket` (a WebSocket, open or still connecting); `url`
     * only names it in errors. Prefer `connect`, which also bounds the wait.
     */
    static async open(socket, url = socket.url) {
        const channel = new WebChannel(socket);
        await channel.#opened(url);
        const description = await channel.#request({ type: MessageType.init });
        channel.#publish(description);
        channel.#send({ type: MessageType.idle });
        return channel;
    }

    /** The published objects by name, each with its methods, properties and signals. */
    objects = Object.create(null);

    /** Resolves with `{ code, reason }` when the connection has closed, for whatever reason. */
    closed;

    #socket;
    #nextId = 0;
    /** Calls awaiting their response: id -> { resolve, reject }. */
    #pending = new Map();
    #isClosed = false;

    constructor(socket) {
        this.#socket = socket;
        this.closed = new Promise((resolve) => {
            socket.addEventListener('close', (event) => {
                this.#isClosed = true;
                this.#failPending(new WebChannelError(`the connection closed (code ${event.code})`, event.reason || undefined));
                resolve({ code: event.code, reason: event.reason });
            });
        });
        socket.addEventListener('message', (event) => this.#receive(event.data));
        // A failure is followed by 'close', which says all there is; without a listener,
        // Node's `ws` would throw the error instead.
        socket.addEventListener('error', () => {});
    }

    /** Closes the connection (close code 1000 unless given); pending calls reject. */
    close(code = 1000, reason = '') {
        this.#socket.close(code, reason);
    }

    /** Resolves once the socket is open; rejects if it closes first. */
    #opened(url) {
        if (this.#socket.readyState === OPEN) {
            return Promise.resolve();
        }
        return new Promise((resolve, reject) => {
            this.#socket.addEventListener('open', () => resolve());
            this.closed.then(({ code }) => reject(new WebChannelError(`cannot connect to ${url} (close code ${code})`)));
        });
    }

    /** Sends `message` with a fresh id; resolves with the response's `data`. */
    #request(message) {
        if (this.#isClosed) {
            return Promise.reject(new WebChannelError('the connection is closed'));
        }
        const id = this.#nextId++;
        return new Promise((resolve, reject) => {
            this.#pending.set(id, { resolve, reject });
            this.#send({ ...message, id });
        });
    }

    #send(message) {
        if (!this.#isClosed && this.#socket.readyState === OPEN) {
            this.#socket.send(JSON.stringify(message));
        }
    }

    #failPending(error) {
        const pending = [...this.#pending.values()];
        this.#pending.clear();
        for (const { reject } of pending) {
            reject(error);
        }
    }

    #receive(data) {
        if (typeof data !== 'string') {
            warn('ignored a binary frame: the protocol only uses text frames');
            return;
        }
        let message;
        try {
            message = JSON.parse(data);
        } catch {
            warn(`ignored a frame that is not JSON: ${abbreviate(data)}`);
            return;
        }
        switch (message?.type) {
            case MessageType.response:
                return this.#settle(message);
            case MessageType.signal:
                return this.objects[message.object]?.[SIGNALS].emit(message.signal, message.args ?? []);
            case MessageType.propertyUpdate:
                for (const update of Array.isArray(message.data) ? message.data : []) {
                    this.objects[update?.object]?.[SIGNALS].update(update.properties ?? {}, update.signals ?? {});
                }
                // Flow control: the server sends the next update only once the client is idle.
                return this.#send({ type: MessageType.idle });
            default:
                warn(`ignored a frame of unknown type: ${abbreviate(data)}`);
        }
    }

    #settle(message) {
        const call = this.#pending.get(message.id);
        if (call === undefined) {
            warn(`ignored a response to no pending call: ${abbreviate(JSON.stringify(message))}`);
            return;
        }
        this.#pending.delete(message.id);
        // A response without data is how the protocol says that a call failed.
        if ('data' in message) {
            call.resolve(message.data);
        } else {
            const reason = typeof message.error === 'string' ? message.error : undefined;
            call.reject(new WebChannelError('the call failed', reason));
        }
    }

    #publish(description) {
        if (description === null || typeof description !== 'object') {
            throw new WebChannelError('the init response describes no objects');
        }
        for (const [name, data] of Object.entries(description)) {
            this.objects[name] = createProxy(name, data, {
                invoke: (method, args) => this.#request({ type: MessageType.invokeMethod, object: name, method, args }),
                send: (message) => this.#send({ ...message, object: name }),
            });
        }
    }
}

/** The key of a proxy's signal machinery, out of the way of published names. */
const SIGNALS = Symbol('signals');

/**
 * The proxy of object `name` described by `data`: methods returning Promises, properties
 * read from a cache the server keeps current (assignable when the server allows), and
 * signals with `connect(callback)` / `disconnect(callback)`.
 */
function createProxy(name, data, wire) {
    const proxy = Object.create(null);
    const define = (key, descriptor) => {
        if (!(key in proxy)) {
            Object.defineProperty(proxy, key, { enumerable: true, ...descriptor });
        }
    };
    const signals = new SignalTable(wire);
    Object.defineProperty(proxy, SIGNALS, { value: signals });

    const values = signals.properties;
    for (const [index, propertyName, notify, value] of list(data.properties)) {
        values.set(index, value);
        define(propertyName, {
            get: () => values.get(index),
            set: (newValue) => {
                values.set(index, newValue);
                wire.send({ type: MessageType.setProperty, property: index, value: newValue });
            },
        });
        if (Array.isArray(notify) && notify.length === 2) {
            // Qt sends the name as 1 when it is exactly `<property>Changed`.
            const signalName = notify[0] === 1 ? `${propertyName}Changed` : notify[0];
            define(signalName, { value: signals.handle(signalName, notify[1], { notify: true }) });
        }
    }
    for (const [signalName, index] of list(data.signals)) {
        define(signalName, { value: signals.handle(signalName, index, { notify: false }) });
    }
    for (const [methodName, index] of list(data.methods)) {
        // A full signature is called by index, a bare name by name so that the server
        // picks among overloads: what qwebchannel.js does.
        const method = methodName.endsWith(')') ? index : methodName;
        define(methodName, { value: (...args) => wire.invoke(method, args) });
    }
    for (const [enumName, keys] of Object.entries(data.enums ?? {})) {
        define(enumName, { value: Object.freeze({ ...keys }) });
    }
    return Object.freeze(proxy);
}

/** The signals of one proxy: their callbacks, and the messages that (dis)connect them. */
class SignalTable {
    /** Property index -> cached value, shared with the proxy's getters. */
    properties = new Map();
    /** Signal index -> callbacks. */
    #callbacks = new Map();
    #wire;

    constructor(wire) {
        this.#wire = wire;
    }

    /** The `{ connect, disconnect }` handle of signal `index`. */
    handle(name, index, { notify }) {
        // Notify signals arrive in property updates; `destroyed` always arrives.
        const needsSubscription = !notify && !ALWAYS_CONNECTED.has(name);
        return Object.freeze({
            connect: (callback) => {
                if (typeof callback !== 'function') {
                    throw new TypeError(`${name}.connect needs a function`);
                }
                const callbacks = this.#callbacks.get(index) ?? [];
                callbacks.push(callback);
                this.#callbacks.set(index, callbacks);
                if (needsSubscription && callbacks.length === 1) {
                    this.#wire.send({ type: MessageType.connectToSignal, signal: index });
                }
            },
            disconnect: (callback) => {
                const callbacks = this.#callbacks.get(index) ?? [];
                const position = callbacks.indexOf(callback);
                if (position === -1) {
                    return;
                }
                callbacks.splice(position, 1);
                if (needsSubscription && callbacks.length === 0) {
                    this.#wire.send({ type: MessageType.disconnectFromSignal, signal: index });
                }
            },
        });
    }

    /** Calls the callbacks of signal `index` with `args`. */
    emit(index, args) {
        for (const callback of [...(this.#callbacks.get(index) ?? [])]) {
            try {
                callback(...(Array.isArray(args) ? args : [args]));
            } catch (error) {
                reportCallbackError(error);
            }
        }
    }

    /** Applies a property update: new values first, then the notify signals. */
    update(properties, signals) {
        for (const [index, value] of Object.entries(properties)) {
            this.properties.set(Number(index), value);
        }
        for (const [index, args] of Object.entries(signals)) {
            this.emit(Number(index), args);
        }
    }
}

/** `value` if it is an array of arrays, else an empty list (a malformed description). */
function list(value) {
    return Array.isArray(value) ? value.filter(Array.isArray) : [];
}

/** An exception in a user's callback must not stop the channel from reading on. */
function reportCallbackError(error) {
    if (typeof globalThis.reportError === 'function') {
        globalThis.reportError(error);
    } else {
        console.error('webchannel.js: a signal callback threw', error);
    }
}

function warn(what) {
    console.warn(`webchannel.js: ${what}`);
}

function abbreviate(text) {
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
