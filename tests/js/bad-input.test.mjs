// Bad input, ours only: Qt answers bad calls with junk or drops them silently (docs/protocol.md);
// our server must answer a failed call with a response that has an `error` and no `data`
// (so qwebchannel.js rejects the Promise), survive anything else, and keep serving others.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectForTest } from './lib/client.mjs';
import { withTimeout } from './lib/deadline.mjs';
import { clientFlavours, onlyOurs, serverUrl, uniqueName } from './lib/environment.mjs';
import { RawSocket } from './lib/raw-socket.mjs';
import { openRoom } from './lib/room.mjs';

/** Asserts that `response` is a failed call's response: an `error` string, no `data`. */
function assertFailedResponse(response, what) {
    assert.ok(response !== undefined, `no response frame for ${what}`);
    assert.equal(response.type, 10, `${what}: ${JSON.stringify(response)}`);
    assert.ok(!Object.hasOwn(response, 'data'), `${what} answered with data: ${JSON.stringify(response)}`);
    assert.equal(typeof response.error, 'string', `${what} has no error text: ${JSON.stringify(response)}`);
    assert.notEqual(response.error.trim(), '', `${what} has an empty error text`);
}

/** A fresh, well-behaved client still logs in, chats and is heard by itself. */
async function assertServerStillChats(t, flavour) {
    const [client] = await openRoom(t, flavour, ['after']);
    const text = uniqueName('still chatting');
    assert.equal(await client.call('sendMessage', client.userName, text), true);
    const [message] = await client.waitForMessagesFrom(client.userName, 1);
    assert.equal(message.msg, text);
}

describe('bad calls through qwebchannel.js', { skip: onlyOurs }, () => {
    for (const flavour of clientFlavours) {
        describe(`with the ${flavour} qwebchannel.js`, () => {
            const rejectedCalls = [
                ['no argument for login', (chat) => chat.login()],
                ['too many arguments for login', (chat) => chat.login('one', 'two')],
                ['one argument for sendMessage', (chat) => chat.sendMessage('only-a-user')],
                ['a number for a string (login(42))', (chat) => chat.login(42)],
                ['null for a string', (chat) => chat.login(null)],
                ['an object for the message text', (chat) => chat.sendMessage('someone', { text: 'x' })],
                ['an array for the user', (chat) => chat.keepAliveResponse(['x'])],
            ];
            for (const [label, invoke] of rejectedCalls) {
                test(`${label}: the Promise rejects and the response carries an error`, async (t) => {
                    const client = await connectForTest(t, serverUrl, flavour);
                    const call = invoke(client.chat);
                    const id = client.lastRequestId();
                    await withTimeout(assert.rejects(call), `the rejection of ${label}`);
                    assertFailedResponse(client.responseFrame(id), label);
                    assert.ok(!client.chat.userList.includes('42'), 'login(42) logged someone in');
                    await assertServerStillChats(t, flavour);
                });
            }

            const unknownMethods = [
                ['an unknown method name', 'noSuchMethod'],
                ['an unknown method index', 9999],
                ['a negative method index', -1],
                ['QObject\'s deleteLater, which ours does not publish', 'deleteLater'],
            ];
            for (const [label, method] of unknownMethods) {
                test(`${label} through channel.exec: no data, an error`, async (t) => {
                    const client = await connectForTest(t, serverUrl, flavour);
                    const { data, response } = await client.exec({ type: 6, object: 'chatserver', method, args: [] });
                    assert.equal(data, undefined);
                    assertFailedResponse(response, label);
                    await assertServerStillChats(t, flavour);
                });
            }

            test('an unknown object through channel.exec: no data, an error', async (t) => {
                const client = await connectForTest(t, serverUrl, flavour);
                const { data, response } = await client.exec({ type: 6, object: 'nobody', method: 'login', args: ['x'] });
                assert.equal(data, undefined);
                assertFailedResponse(response, 'an unknown object');
                await assertServerStillChats(t, flavour);
            });
        });
    }
});

/** A raw connection that has done what every client does first: init, then idle. */
async function openInitialised(t) {
    const socket = await RawSocket.open(serverUrl);
    t.after(() => socket.close());
    const init = await socket.request({ type: 3, id: 'init' });
    assert.ok(init.data?.chatserver !== undefined, `init: ${JSON.stringify(init)}`);
    socket.sendJson({ type: 4 });
    return socket;
}

// What a raw client sends before the bad frame, and after it to show the connection lives.
const probe = (id) => ({ type: 6, object: 'chatserver', method: 'sendMessage', args: [uniqueName('nobody'), 'probe'], id });

const ignoredFrames = [
    ['text that is not JSON', (socket) => socket.sendText('hello {')],
    ['an empty text frame', (socket) => socket.sendText('')],
    ['a JSON array', (socket) => socket.sendText('[1, 2, 3]')],
    ['a JSON number', (socket) => socket.sendText('42')],
    ['a JSON string', (socket) => socket.sendText('"init"')],
    ['JSON null', (socket) => socket.sendText('null')],
    ['an object without a type', (socket) => socket.sendJson({ id: 1, object: 'chatserver' })],
    ['an unknown type', (socket) => socket.sendJson({ type: 99, id: 2 })],
    ['a type that is a string', (socket) => socket.sendJson({ type: '6', object: 'chatserver', method: 'login', args: ['x'], id: 3 })],
    ['a fractional type', (socket) => socket.sendJson({ type: 6.5, id: 4 })],
    ['init without an id', (socket) => socket.sendJson({ type: 3 })],
    ['a response from the client', (socket) => socket.sendJson({ type: 10, id: 5, data: true })],
    ['connectToSignal on an unknown object', (socket) => socket.sendJson({ type: 7, object: 'nobody', signal: 1 })],
    ['connectToSignal to an unknown signal', (socket) => socket.sendJson({ type: 7, object: 'chatserver', signal: 9999 })],
    ['disconnectFromSignal never connected', (socket) => socket.sendJson({ type: 8, object: 'chatserver', signal: 9999 })],
    ['setProperty on an unknown property', (socket) => socket.sendJson({ type: 9, object: 'chatserver', property: 9999, value: 1 })],
    ['a debug message that is not a string', (socket) => socket.sendJson({ type: 5, data: { nested: [1] } })],
    ['deeply nested JSON', (socket) => socket.sendText(`${'['.repeat(10000)}${']'.repeat(10000)}`)],
];

describe('bad frames on a raw WebSocket', { skip: onlyOurs }, () => {
    for (const [label, send] of ignoredFrames) {
        test(`${label}: ignored, the connection and the server carry on`, async (t) => {
            const socket = await openInitialised(t);
            send(socket);
            // The reply to a later, valid request shows the bad frame was dropped, not fatal.
            const response = await socket.request(probe(`probe after ${label}`));
            assert.equal(response.data, false, JSON.stringify(response));
            await assertServerStillChats(t, clientFlavours[0]);
        });
    }

    test('an invoke without an id is not carried out', async (t) => {
        const socket = await openInitialised(t);
        const name = uniqueName('no-id');
        socket.sendJson({ type: 6, object: 'chatserver', method: 'login', args: [name] });
        const response = await socket.request(probe('after the invoke without id'));
        assert.equal(response.data, false);
        const answered = socket.frames.filter((frame) => frame.json?.type === 10).map((frame) => frame.json.id);
        assert.deepEqual(answered, ['init', 'after the invoke without id']);
        const client = await connectForTest(t, serverUrl, clientFlavours[0]);
        assert.ok(!client.chat.userList.includes(name), `${name} was logged in by an invoke without id`);
        await assertServerStillChats(t, clientFlavours[0]);
    });

    const failedInvokes = [
        ['an unknown object', { type: 6, object: 'nobody', method: 'login', args: ['x'] }],
        ['args that are not an array', { type: 6, object: 'chatserver', method: 'login', args: 'x' }],
        ['no args at all', { type: 6, object: 'chatserver', method: 'login' }],
        ['a method that is neither name nor index', { type: 6, object: 'chatserver', method: { name: 'login' }, args: ['x'] }],
        ['an object that is not a string', { type: 6, object: 42, method: 'login', args: ['x'] }],
    ];
    for (const [label, invoke] of failedInvokes) {
        test(`an invoke with ${label}: a response with an error and no data`, async (t) => {
            const socket = await openInitialised(t);
            const id = `bad ${label}`;
            assertFailedResponse(await socket.request({ ...invoke, id }), label);
            const response = await socket.request(probe(`probe after ${label}`));
            assert.equal(response.data, false);
            await assertServerStillChats(t, clientFlavours[0]);
        });
    }

    test('the id of a response is echoed as sent, number or string', async (t) => {
        const socket = await openInitialised(t);
        for (const id of [0, 7, 2 ** 40, 'text id', '']) {
            const response = await socket.request(probe(id));
            assert.deepEqual(response.id, id);
        }
    });

    test('a binary frame does not bring the server down', async (t) => {
        const socket = await openInitialised(t);
        socket.sendBinary(Buffer.from(JSON.stringify(probe(1))));
        // Whether the server drops the frame or closes with a code is its documented
        // choice; either way the other clients must not notice.
        const outcome = await Promise.race([
            socket.request(probe('after binary')).then(() => 'ignored'),
            socket.closed.then(({ code }) => `closed with ${code}`),
        ]);
        assert.ok(outcome === 'ignored' || /^closed with (1003|1008|1002)$/.test(outcome), outcome);
        await assertServerStillChats(t, clientFlavours[0]);
    });

    test('many bad frames in a row leave the server usable', async (t) => {
        const socket = await openInitialised(t);
        for (let round = 0; round < 50; round += 1) {
            for (const [, send] of ignoredFrames) {
                send(socket);
            }
        }
        const response = await socket.request(probe('after the flood'));
        assert.equal(response.data, false);
        await assertServerStillChats(t, clientFlavours[0]);
    });
});
