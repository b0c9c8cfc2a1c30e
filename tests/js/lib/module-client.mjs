// One chat client built on our own webchannel.js module (webchannel/js/webchannel.js, the
// client the built-in chat page uses) instead of Qt's qwebchannel.js, over a `ws`
// WebSocket that records every frame in both directions.

import WebSocket from 'ws';

import { connect } from '../../../webchannel/js/webchannel.js';
import { withTimeout } from './deadline.mjs';
import { serverUrl, waitMs } from './environment.mjs';
import { SignalRecorder } from './signals.mjs';

/**
 * Connects a webchannel.js client to the server under test and records what it does; the
 * client is closed when test `t` ends. `keepAlive: 'answer'` (the default) answers every
 * `keepAlive` with `keepAliveResponse(<logged-in name>)`, `'ignore'` plays a silent client.
 */
export async function connectModuleClient(t, { keepAlive = 'answer', url = serverUrl } = {}) {
    const frames = { sent: [], received: [] };
    const channel = await connect(url, { WebSocket: recordingWebSocket(frames), timeoutMs: waitMs });
    const client = new ModuleClient(channel, frames, keepAlive);
    t.after(() => client.close());
    return client;
}

/** A `ws` WebSocket class whose instances record the text they send and receive. */
function recordingWebSocket(frames) {
    return class RecordingWebSocket extends WebSocket {
        constructor(...args) {
            super(...args);
            this.on('message', (data, isBinary) => {
                frames.received.push(isBinary ? { binary: data.length } : parse(data.toString('utf8')));
            });
        }

        send(text, ...rest) {
            frames.sent.push(parse(text));
            super.send(text, ...rest);
        }
    };
}

function parse(text) {
    try {
        return JSON.parse(text);
    } catch {
        return { unparsable: text };
    }
}

/** A connected webchannel.js client of the chat, with recorders on its signals. */
export class ModuleClient {
    constructor(channel, frames, keepAlive) {
        this.channel = channel;
        /** Every frame sent and received, parsed: `{ sent: [...], received: [...] }`. */
        this.frames = frames;
        /** The name this client logged in as, answered in keep-alives. */
        this.userName = undefined;
        const chat = this.chat;
        if (chat === undefined) {
            throw new Error(`the server published no chatserver, only: ${Object.keys(channel.objects).join(', ')}`);
        }
        this.messages = new SignalRecorder(chat.newMessage, 'webchannel.js newMessage');
        this.userListChanges = new SignalRecorder(chat.userListChanged, 'webchannel.js userListChanged');
        this.keepAlives = new SignalRecorder(chat.keepAlive, 'webchannel.js keepAlive');
        if (keepAlive === 'answer') {
            chat.keepAlive.connect(() => {
                if (this.userName !== undefined) {
                    // Nothing waits for this answer; a failure would show as being dropped.
                    chat.keepAliveResponse(this.userName).catch(() => {});
                }
            });
        } else if (keepAlive !== 'ignore') {
            throw new Error(`keepAlive must be 'answer' or 'ignore', not ${JSON.stringify(keepAlive)}`);
        }
    }

    /** The `chatserver` proxy. */
    get chat() {
        return this.channel.objects.chatserver;
    }

    /** Awaits `chat.<method>(...args)`, bounded. */
    call(method, ...args) {
        return withTimeout(this.chat[method](...args), `the response to ${method}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`);
    }

    /** Logs in; remembers the name for keep-alive answers when the server accepts it. */
    async login(name) {
        const accepted = await this.call('login', name);
        if (accepted === true) {
            this.userName = name;
        }
        return accepted;
    }

    /** Waits until the cached `userList` satisfies `condition`; resolves with the list. */
    waitForUserList(condition, what, ms) {
        return this.userListChanges.until(
            () => condition(this.chat.userList) && this.chat.userList,
            () => `userList at ${this.userName ?? 'a client'} to ${what}; it is ${JSON.stringify(this.chat.userList)}`,
            ms,
        );
    }

    /** The sent frames of message type `type`. */
    sentOfType(type) {
        return this.frames.sent.filter((frame) => frame.type === type);
    }

    /** The received frames of message type `type`. */
    receivedOfType(type) {
        return this.frames.received.filter((frame) => frame.type === type);
    }

    /** Closes the channel and waits (bounded) until it is closed. */
    async close() {
        this.channel.close();
        await withTimeout(this.channel.closed, 'webchannel.js to close the connection');
    }
}
