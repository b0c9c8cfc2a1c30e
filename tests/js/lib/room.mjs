// A chat room of logged-in clients, the starting point of most tests.

import assert from 'node:assert/strict';

import { connectForTest } from './client.mjs';
import { serverUrl, uniqueName } from './environment.mjs';

/**
 * Connects one client per prefix, logs each in under a unique name, and waits until
 * every client's userList shows all of them. Returns the clients in prefix order.
 */
export async function openRoom(t, flavour, prefixes) {
    const clients = [];
    for (const prefix of prefixes) {
        const client = await connectForTest(t, serverUrl, flavour);
        const name = uniqueName(prefix);
        assert.equal(await client.login(name), true, `login(${name}) on a fresh name`);
        clients.push(client);
    }
    const names = clients.map((client) => client.userName);
    await Promise.all(clients.map((client) =>
        client.waitForUserList((list) => names.every((name) => list.includes(name)), `include ${names.join(', ')}`)));
    return clients;
}

/**
 * Asserts that `chat` (a proxy from any client) has the chat server's methods, signals with
 * connect/disconnect, and a sorted userList.
 */
export function assertChatServerInterface(chat) {
    for (const method of ['login', 'logout', 'sendMessage', 'keepAliveResponse']) {
        assert.equal(typeof chat[method], 'function', `method ${method}`);
    }
    for (const signal of ['newMessage', 'keepAlive', 'userCountChanged', 'userListChanged']) {
        assert.equal(typeof chat[signal]?.connect, 'function', `signal ${signal}`);
        assert.equal(typeof chat[signal]?.disconnect, 'function', `signal ${signal}`);
    }
    assert.ok(Array.isArray(chat.userList), `userList is ${JSON.stringify(chat.userList)}`);
    assertSorted(chat.userList);
}

/** Asserts that `list` is in the order Qt's QStringList::sort() gives ASCII names. */
export function assertSorted(list) {
    assert.deepEqual(list, [...list].sort(), `userList is not sorted: ${JSON.stringify(list)}`);
}

/** Asserts that qwebchannel.js threw nothing and received no binary frame. */
export function assertNoClientErrors(...clients) {
    for (const client of clients) {
        assert.deepEqual(client.clientErrors, [], `${client.flavour} client ${client.userName ?? ''} saw errors`);
    }
}
