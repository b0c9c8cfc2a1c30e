// One chat client as Qt's own examples build it: qwebchannel.js over a WebSocket (`ws`
// here, as in Qt's Node example), plus a record of every frame for assertions the
// official client does not expose (such as the `error` field of a failed call).

import { once } from 'node:events';
import WebSocket from 'ws';

import { withTimeout } from './deadline.mjs';
import { loadQWebChannel } from './flavours.mjs';
import { SignalRecorder } from './signals.mjs';

/**
 * Connects a qwebchannel.js client of `flavour` to `url` and waits for its init.
 *
 * `keepAlive: 'answer'` (the default) answers every `keepAlive` signal with
 * `keepAliveResponse(<logged-in name>)`, as Qt's ChatClients do, so Qt's server (whose
 * keep-alive cannot be shortened) does not drop users in the middle of a test;
 * `'ignore'` plays a client that has stopped answering.
 */
export async function connect(url, flavour, { keepAlive = 'answer' } = {}) {
    const QWebChannel = loadQWebChannel(flavour);
    const socket = new WebSocket(url);
    await withTimeout(once(socket, 'open'), `the WebSocket to ${url} to open`);
    const client = new ChatClient(flavour, socket);
    const transport = {
        send: (text) => {
            client.sent.push(text);
            socket.send(text);
        },
    };
    socket.on('message', (data, isBinary) => client.receive(transport, data, isBinary));
    const ready = new Promise((resolve) => {
        client.channel = new QWebChannel(transport, resolve);
    });
    await withTimeout(ready, `the init response (${flavour} qwebchannel.js)`);
    client.attach(keepAlive);
    return client;
}

/** Like `connect`, and closes the client when test `t` ends. */
export async function connectForTest(t, url, flavour, options) {
    const client = await connect(url, flavour, options);
    t.after(() => client.close());
    return client;
}

/** A connected, initialised client; see `connect`. */
export class ChatClient {
    constructor(flavour, socket) {
        this.flavour = flavour;
        this.socket = socket;
        this.channel = undefined;
        /** Every frame received, parsed (or `{ unparsable: text }`), in order. */
        this.frames = [];
        /** Every frame the client sent, as text. */
        this.sent = [];
        /** Exceptions thrown by qwebchannel.js while handling a frame, and binary frames. */
        this.clientErrors = [];
        /** The name this client logged in as, answered in keep-alives. */
        this.userName = undefined;
    }

    /** The `chatserver` proxy object. */
    get chat() {
        return this.channel.objects.chatserver;
    }

    receive(transport, data, isBinary) {
        if (isBinary) {
            this.clientErrors.push(new Error(`unexpected binary frame of ${data.length} bytes`));
            return;
        }
        const text = data.toString('utf8');
        try {
            this.frames.push(JSON.parse(text));
        } catch {
            this.frames.push({ unparsable: text });
        }
        // An exception here would otherwise escape into `ws` and kill the test process.
        try {
            transport.onmessage({ data: text });
        } catch (error) {
            this.clientErrors.push(error);
        }
    }

    // Recorders connect right after init: the first call a test makes afterwards is then
    // ordered after the `connectToSignal` frames, so no emission can slip past them.
    attach(keepAlive) {
        const chat = this.chat;
        if (chat === undefined) {
            throw new Error(`the server published no chatserver object, only: ${Object.keys(this.channel.objects).join(', ')}`);
        }
        this.messages = new SignalRecorder(chat.newMessage, `${this.flavour} newMessage`);
        this.userListChanges = new SignalRecorder(chat.userListChanged, `${this.flavour} userListChanged`);
        if (keepAlive === 'answer') {
            this.keepAlives = new SignalRecorder(chat.keepAlive, `${this.flavour} keepAlive`);
            chat.keepAlive.connect(() => {
                if (this.userName !== undefined) {
                    // Nothing waits for this answer; a failure would show as being dropped.
                    chat.keepAliveResponse(this.userName)?.catch?.(() => {});
                }
            });
        } else if (keepAlive !== 'ignore') {
            throw new Error(`keepAlive must be 'answer' or 'ignore', not ${JSON.stringify(keepAlive)}`);
        }
    }

    /** Awaits `chat.<method>(...args)` (Promise style); rejects if no response comes. */
    call(method, ...args) {
        return withTimeout(this.chat[method](...args), `the response to ${method}(${describeArgs(args)})`);
    }

    /** Calls `chat.<method>(...args, callback)`, the style Qt's QML ChatClient uses. */
    callWithCallback(method, ...args) {
        const answered = new Promise((resolve) => {
            const result = this.chat[method](...args, resolve);
            if (result !== undefined) {
                throw new Error(`${method} with a callback returned ${result} instead of undefined`);
            }
        });
        return withTimeout(answered, `the callback of ${method}(${describeArgs(args)})`);
    }

    /** Logs in; remembers the name for keep-alive answers when the server accepts it. */
    async login(name) {
        const accepted = await this.call('login', name);
        if (accepted === true) {
            this.userName = name;
        }
        return accepted;
    }

    /**
     * Sends `message` through `channel.exec` with a callback, the lowest level the client
     * offers; resolves with the `data` handed to the callback and the raw response frame.
     */
    async exec(message) {
        const answered = new Promise((resolve) => this.channel.exec(message, resolve));
        const data = await withTimeout(answered, `the response to ${JSON.stringify(message)}`);
        return { data, response: this.responseFrame(message.id) };
    }

    /** The id qwebchannel.js gave the request it sent last. */
    lastRequestId() {
        return this.channel.execId - 1;
    }

    /** The `response` frame that answered request `id`. */
    responseFrame(id) {
        return this.frames.find((frame) => frame.type === 10 && frame.id === id);
    }

    /** The `newMessage` emissions received so far, as `{ time, user, msg }`. */
    receivedMessages() {
        return this.messages.emissions.map(([time, user, msg]) => ({ time, user, msg }));
    }

    /** Waits until `count` messages from `user` have arrived; resolves with all of them. */
    waitForMessagesFrom(user, count) {
        const fromUser = () => this.receivedMessages().filter((message) => message.user === user);
        return this.messages.until(
            () => fromUser().length >= count && fromUser(),
            `${count} message(s) from ${user} at ${this.userName ?? 'a client'}`,
        );
    }

    /** Waits until the cached `userList` satisfies `condition`; resolves with the list. */
    waitForUserList(condition, what) {
        return this.userListChanges.until(
            () => condition(this.chat.userList) && this.chat.userList,
            () => `userList at ${this.userName ?? 'a client'} to ${what}; it is ${JSON.stringify(this.chat.userList)}`,
        );
    }

    /** Closes the WebSocket and waits (bounded) for the close handshake. */
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

function describeArgs(args) {
    return args.map((arg) => {
        const text = JSON.stringify(arg) ?? String(arg);
        return text.length > 40 ? `${text.slice(0, 37)}...` : text;
    }).join(', ');
}
