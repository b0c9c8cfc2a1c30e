// Our own client module, webchannel/js/webchannel.js (what the built-in chat page runs), on
// its own from Node. `cargo test` runs this file against our chatserver AND against Qt
// 5.15's own ChatServer binary, so the module is proven to speak the QWebChannel protocol
// as Qt does, not a dialect only our server understands.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MessageType, WebChannelError, connect } from '../../webchannel/js/webchannel.js';
import { connectModuleClient } from './lib/module-client.mjs';
import { serverKind, uniqueName } from './lib/environment.mjs';
import { assertChatServerInterface, assertSorted } from './lib/room.mjs';
import { trickyTexts } from './lib/texts.mjs';

const TIME_OF_DAY = /^\d\d:\d\d:\d\d$/;

/** Two clients logged in under fresh names, each seeing both in its userList. */
async function twoUsers(t) {
    const alice = await connectModuleClient(t);
    const bob = await connectModuleClient(t);
    assert.equal(await alice.login(uniqueName('alice')), true);
    assert.equal(await bob.login(uniqueName('bob')), true);
    const both = (list) => list.includes(alice.userName) && list.includes(bob.userName);
    await alice.waitForUserList(both, 'include alice and bob');
    await bob.waitForUserList(both, 'include alice and bob');
    return [alice, bob];
}

describe(`webchannel.js against ${serverKind === 'qt' ? 'Qt\'s ChatServer' : 'our chatserver'}`, () => {
    test('connect initialises: the chatserver proxy has its methods, property and signals', async (t) => {
        const client = await connectModuleClient(t);
        assert.ok('chatserver' in client.channel.objects);
        assertChatServerInterface(client.chat);

        // The handshake as qwebchannel.js does it: init, idle, then one connectToSignal per
        // plain signal with callbacks; none for a notify signal (userListChanged).
        const [init, idle, ...subscriptions] = client.frames.sent;
        assert.deepEqual(init, { type: MessageType.init, id: 0 });
        assert.deepEqual(idle, { type: MessageType.idle });
        const subscribed = subscriptions.filter((frame) => frame.type === MessageType.connectToSignal);
        assert.equal(subscribed.length, 2, JSON.stringify(subscriptions));
        assert.ok(subscribed.every((frame) => frame.object === 'chatserver' && Number.isInteger(frame.signal)));
        assert.equal(new Set(subscribed.map((frame) => frame.signal)).size, 2, 'each signal is connected once');
    });

    test('two users log in and see each other; a taken name is refused; logout shows at the other', async (t) => {
        const [alice, bob] = await twoUsers(t);
        assertSorted(alice.chat.userList);

        const impostor = await connectModuleClient(t);
        assert.equal(await impostor.login(alice.userName), false, 'a name in use is refused');

        assert.equal(await bob.call('logout', bob.userName), true);
        const list = await alice.waitForUserList((names) => !names.includes(bob.userName), `drop ${bob.userName}`);
        assert.ok(list.includes(alice.userName));
    });

    test('every property update is answered with idle, so the next one comes', async (t) => {
        const observer = await connectModuleClient(t);
        const visitor = await connectModuleClient(t);
        // Each round trip below needs a fresh update: without the idle answers the server
        // would send none after the first.
        for (let round = 1; round <= 3; round += 1) {
            const name = uniqueName(`visitor${round}`);
            assert.equal(await visitor.login(name), true);
            await observer.waitForUserList((list) => list.includes(name), `include ${name}`);
            assert.equal(await visitor.call('logout', name), true);
            await observer.waitForUserList((list) => !list.includes(name), `drop ${name}`);
        }
        const updates = observer.receivedOfType(MessageType.propertyUpdate).length;
        assert.ok(updates >= 2, `${updates} property updates`);
        // One idle after init, then one per update.
        assert.equal(observer.sentOfType(MessageType.idle).length, updates + 1);
    });

    test('messages arrive exactly as sent, with the time and the sender, at both users', async (t) => {
        const [alice, bob] = await twoUsers(t);
        for (const [index, [label, text]] of trickyTexts.entries()) {
            const [sender, receiver] = index % 2 === 0 ? [alice, bob] : [bob, alice];
            assert.equal(await sender.call('sendMessage', sender.userName, text), true, label);
            for (const client of [sender, receiver]) {
                const [time, user, msg] = await client.messages.until(
                    () => client.messages.emissions.find(([, user, msg]) => user === sender.userName && msg === text),
                    `${label} at ${client.userName}`,
                );
                assert.match(time, TIME_OF_DAY, label);
                assert.equal(user, sender.userName, label);
                assert.equal(msg, text, label);
            }
        }
    });

    test('a message from a name that is not logged in is refused', async (t) => {
        const client = await connectModuleClient(t);
        assert.equal(await client.call('sendMessage', uniqueName('nobody'), 'hello?'), false);
    });

    test('a disconnected callback is not called again', async (t) => {
        const [alice, bob] = await twoUsers(t);
        const heard = [];
        const listener = (time, user, msg) => heard.push(msg);
        bob.chat.newMessage.connect(listener);
        assert.equal(await alice.call('sendMessage', alice.userName, 'first'), true);
        // The recorder was connected first; the listener runs in the same dispatch, before
        // this wait resumes.
        await bob.messages.until(() => bob.messages.emissions.some(([, , msg]) => msg === 'first'), 'the first message');
        assert.deepEqual(heard, ['first']);

        bob.chat.newMessage.disconnect(listener);
        bob.messages.stop();
        // No callback left: the server is told, as qwebchannel.js does.
        const unsubscribed = bob.sentOfType(MessageType.disconnectFromSignal);
        assert.equal(unsubscribed.length, 1, JSON.stringify(unsubscribed));
        assert.equal(await alice.call('sendMessage', alice.userName, 'second'), true);
        await alice.messages.until(() => alice.messages.emissions.some(([, , msg]) => msg === 'second'), 'the second message at alice');
        // Frames on one connection arrive in order: whatever the server sent bob before
        // this response has been handled by the time it resolves.
        assert.equal(await bob.call('sendMessage', uniqueName('nobody'), 'x'), false);
        assert.deepEqual(heard, ['first']);
    });

    test('close resolves `closed` with code 1000, and later calls reject', async (t) => {
        const client = await connectModuleClient(t);
        await client.close();
        assert.equal((await client.channel.closed).code, 1000);
        await assert.rejects(client.chat.login(uniqueName('late')), WebChannelError);
    });

    test('connecting where nothing listens rejects with a WebChannelError', async () => {
        const { default: WebSocket } = await import('ws');
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        await assert.rejects(connect('ws://127.0.0.1:1', { WebSocket, timeoutMs: 5000 }), WebChannelError);
    });
});
