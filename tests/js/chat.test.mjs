// Logging in and out with the official qwebchannel.js clients: the user list as every
// client sees it, names that are taken, and the callback style Qt's QML ChatClient uses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectForTest } from './lib/client.mjs';
import { clientFlavours, onlyOurs, serverUrl, uniqueName } from './lib/environment.mjs';
import { assertChatServerInterface, assertNoClientErrors, assertSorted, openRoom } from './lib/room.mjs';

for (const flavour of clientFlavours) {
    describe(`chat with the ${flavour} qwebchannel.js`, () => {
        test('init publishes the chatserver object with its methods, property and signals', async (t) => {
            const client = await connectForTest(t, serverUrl, flavour);
            assert.deepEqual(Object.keys(client.channel.objects), ['chatserver']);
            assertChatServerInterface(client.chat);
            assertNoClientErrors(client);
        });

        test('only what the chat server annotated is callable', { skip: onlyOurs }, async (t) => {
            const client = await connectForTest(t, serverUrl, flavour);
            // Qt publishes every public slot of QObject too; ours publishes the chat only.
            assert.equal(client.chat.deleteLater, undefined);
            assert.equal(client.chat.objectName, undefined);
        });

        test('three clients log in and each sees the others in the sorted userList', async (t) => {
            const first = await connectForTest(t, serverUrl, flavour);
            const firstName = uniqueName('carol');
            assert.equal(await first.login(firstName), true);

            const second = await connectForTest(t, serverUrl, flavour);
            // A client that connects later gets the current list with the init response.
            assert.ok(second.chat.userList.includes(firstName), `${JSON.stringify(second.chat.userList)} lacks ${firstName}`);
            const secondName = uniqueName('alice');
            const firstNotified = first.userListChanges.count;
            assert.equal(await second.login(secondName), true);
            const seenByFirst = await first.waitForUserList((list) => list.includes(secondName), `include ${secondName}`);
            assertSorted(seenByFirst);
            assert.ok(first.userListChanges.count > firstNotified, 'userListChanged was not called on the first client');

            const third = await connectForTest(t, serverUrl, flavour);
            const thirdName = uniqueName('bob');
            const notified = [first, second].map((client) => client.userListChanges.count);
            assert.equal(await third.login(thirdName), true);
            for (const [index, client] of [first, second].entries()) {
                const list = await client.waitForUserList((names) => names.includes(thirdName), `include ${thirdName}`);
                assertSorted(list);
                assert.ok(list.includes(firstName) && list.includes(secondName), JSON.stringify(list));
                assert.ok(client.userListChanges.count > notified[index], 'userListChanged was not called');
            }
            const ownList = await third.waitForUserList(
                (list) => [firstName, secondName, thirdName].every((name) => list.includes(name)),
                'include all three',
            );
            assertSorted(ownList);
            assertNoClientErrors(first, second, third);
        });

        test('a name that is taken is refused', async (t) => {
            const [owner] = await openRoom(t, flavour, ['dora']);
            const other = await connectForTest(t, serverUrl, flavour);
            assert.equal(await other.call('login', owner.userName), false);
            // Refused both ways a client may call, and the list keeps the name once.
            assert.equal(await other.callWithCallback('login', owner.userName), false);
            const freshName = uniqueName('erin');
            assert.equal(await other.login(freshName), true);
            const list = await owner.waitForUserList((names) => names.includes(freshName), `include ${freshName}`);
            assert.equal(list.filter((name) => name === owner.userName).length, 1, JSON.stringify(list));
        });

        test('logout removes the user from everyone\'s userList', async (t) => {
            const [stays, leaves, watches] = await openRoom(t, flavour, ['fay', 'gil', 'hal']);
            const leaving = leaves.userName;
            const notified = [stays, watches].map((client) => client.userListChanges.count);
            assert.equal(await leaves.call('logout', leaving), true);
            for (const [index, client] of [stays, watches].entries()) {
                const list = await client.waitForUserList((names) => !names.includes(leaving), `lose ${leaving}`);
                assertSorted(list);
                assert.ok(list.includes(stays.userName) && list.includes(watches.userName), JSON.stringify(list));
                assert.ok(client.userListChanges.count > notified[index], 'userListChanged was not called');
            }
            await leaves.waitForUserList((names) => !names.includes(leaving), `lose ${leaving}`);
            // The name is free again, and logging out twice is refused.
            assert.equal(await leaves.call('logout', leaving), false);
            assert.equal(await leaves.call('login', leaving), true);
            assertNoClientErrors(stays, leaves, watches);
        });

        test('callback style calls work, as Qt\'s QML ChatClient makes them', async (t) => {
            const [listener] = await openRoom(t, flavour, ['ivy']);
            const client = await connectForTest(t, serverUrl, flavour);
            const name = uniqueName('jay');
            assert.equal(await client.callWithCallback('login', name), true);
            client.userName = name;
            await listener.waitForUserList((list) => list.includes(name), `include ${name}`);
            assert.equal(await client.callWithCallback('sendMessage', name, 'called back'), true);
            const [message] = await listener.waitForMessagesFrom(name, 1);
            assert.equal(message.msg, 'called back');
            assert.equal(await client.callWithCallback('keepAliveResponse', name), null);
            assert.equal(await client.callWithCallback('logout', name), true);
            await listener.waitForUserList((list) => !list.includes(name), `lose ${name}`);
            assertNoClientErrors(listener, client);
        });

        test('a closed connection logs its user out at once', { skip: onlyOurs }, async (t) => {
            const [stays, leaves] = await openRoom(t, flavour, ['kim', 'lee']);
            const leaving = leaves.userName;
            await leaves.close();
            // Qt only notices at its next keep-alive check (up to 12 s later); ours at once.
            await stays.waitForUserList((list) => !list.includes(leaving), `lose ${leaving}`);
        });
    });
}
