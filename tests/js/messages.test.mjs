// Messages with the official qwebchannel.js clients: every logged-in client receives each
// message exactly as sent, with Qt's time format, and nobody receives what was refused.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectForTest } from './lib/client.mjs';
import { clientFlavours, onlyOurs, serverUrl, uniqueName } from './lib/environment.mjs';
import { assertNoClientErrors, openRoom } from './lib/room.mjs';
import { trickyTexts } from './lib/texts.mjs';

const timeOfDay = /^\d\d:\d\d:\d\d$/;

for (const flavour of clientFlavours) {
    describe(`messages with the ${flavour} qwebchannel.js`, () => {
        test('every client receives every message with its exact text, in order', async (t) => {
            const room = await openRoom(t, flavour, ['mia', 'ned', 'oli']);
            const sent = [];
            for (const [index, [label, text]] of trickyTexts.entries()) {
                const sender = room[index % room.length];
                assert.equal(await sender.call('sendMessage', sender.userName, text), true, `sending ${label}`);
                sent.push({ user: sender.userName, msg: text, label });
            }
            const senders = new Set(sent.map((message) => message.user));
            for (const client of room) {
                await client.messages.until(
                    () => client.receivedMessages().filter((message) => senders.has(message.user)).length >= sent.length,
                    `${sent.length} messages at ${client.userName}`,
                );
                const received = client.receivedMessages().filter((message) => senders.has(message.user));
                assert.equal(received.length, sent.length, `${client.userName} received extra messages`);
                for (const [index, expected] of sent.entries()) {
                    const actual = received[index];
                    assert.equal(actual.user, expected.user, `sender of ${expected.label} at ${client.userName}`);
                    assert.equal(actual.msg, expected.msg, `text of ${expected.label} at ${client.userName}`);
                    assert.match(actual.time, timeOfDay, `time of ${expected.label}`);
                }
            }
            assertNoClientErrors(...room);
        });

        test('the time of a message is a valid time of day as HH:mm:ss', async (t) => {
            const [client] = await openRoom(t, flavour, ['pia']);
            assert.equal(await client.call('sendMessage', client.userName, 'what time is it?'), true);
            const [message] = await client.waitForMessagesFrom(client.userName, 1);
            assert.match(message.time, timeOfDay);
            const [hours, minutes, seconds] = message.time.split(':').map(Number);
            assert.ok(hours < 24 && minutes < 60 && seconds < 60, message.time);
        });

        test('a stranger who is not logged in cannot send, and nobody receives it', async (t) => {
            const [speaker, listener] = await openRoom(t, flavour, ['quinn', 'ray']);
            const stranger = await connectForTest(t, serverUrl, flavour);
            const strangerName = uniqueName('stranger');
            assert.equal(await stranger.call('sendMessage', strangerName, 'should not arrive'), false);
            assert.equal(await stranger.callWithCallback('sendMessage', strangerName, 'nor this'), false);
            await assertOnlyMarkerArrives(speaker, [speaker, listener, stranger], strangerName);
        });

        test('nobody can speak as another logged-in user', { skip: onlyOurs }, async (t) => {
            const [victim, impostor] = await openRoom(t, flavour, ['sam', 'tia']);
            assert.equal(await impostor.call('sendMessage', victim.userName, 'impersonated'), false);
            assert.equal(await impostor.call('logout', victim.userName), false);
            const marker = 'after the impostor';
            assert.equal(await victim.call('sendMessage', victim.userName, marker), true);
            for (const client of [victim, impostor]) {
                const messages = await client.waitForMessagesFrom(victim.userName, 1);
                assert.deepEqual(messages.map((message) => message.msg), [marker]);
            }
            assert.ok(victim.chat.userList.includes(victim.userName));
        });
    });
}

// The server handles calls in order and sends each client its messages in order, so once a
// marker sent after the refused calls has arrived everywhere, a leaked message would have too.
async function assertOnlyMarkerArrives(speaker, clients, refusedUser) {
    const marker = uniqueName('marker');
    assert.equal(await speaker.call('sendMessage', speaker.userName, marker), true);
    for (const client of clients) {
        await client.messages.until(
            () => client.receivedMessages().some((message) => message.msg === marker),
            `the marker at ${client.userName ?? 'the stranger'}`,
        );
        const leaked = client.receivedMessages().filter((message) => message.user === refusedUser);
        assert.deepEqual(leaked, [], `${client.userName ?? 'the stranger'} received a refused message`);
    }
}
