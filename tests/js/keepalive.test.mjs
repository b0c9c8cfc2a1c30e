// The keep-alive check: users whose clients answer `keepAlive` stay, users whose clients
// have gone quiet are dropped, and every other client sees it in userList.
//
// The timing comes from WEBCHANNEL_KEEPALIVE_INTERVAL_MS and WEBCHANNEL_KEEPALIVE_GRACE_MS,
// which must match the server's settings; without them the file is skipped, since a run
// against Qt's server (10 s / 2 s, fixed) takes half a minute per flavour.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectForTest } from './lib/client.mjs';
import { clientFlavours, positiveNumber, serverUrl, uniqueName, waitMs } from './lib/environment.mjs';
import { assertNoClientErrors, assertSorted, openRoom } from './lib/room.mjs';

const configured = process.env.WEBCHANNEL_KEEPALIVE_INTERVAL_MS !== undefined;
const intervalMs = positiveNumber('WEBCHANNEL_KEEPALIVE_INTERVAL_MS', 10000);
const graceMs = positiveNumber('WEBCHANNEL_KEEPALIVE_GRACE_MS', 2000);
// Qt cancels a round when someone logs in during it, so a silent user can survive one
// round; two full rounds and a margin bound the wait for its removal.
const dropWithinMs = 2 * (intervalMs + graceMs) + waitMs;
const skip = configured ? false : 'set WEBCHANNEL_KEEPALIVE_INTERVAL_MS (and _GRACE_MS) to the server\'s keep-alive timing';

for (const flavour of clientFlavours) {
    describe(`keep-alive with the ${flavour} qwebchannel.js`, { skip }, () => {
        test('a client that answers stays, a silent one is dropped and everyone sees it', async (t) => {
            const [observer, alive] = await openRoom(t, flavour, ['watcher', 'answerer']);
            const silent = await connectForTest(t, serverUrl, flavour, { keepAlive: 'ignore' });
            const silentName = uniqueName('silent');
            assert.equal(await silent.login(silentName), true);
            await observer.waitForUserList((list) => list.includes(silentName), `include ${silentName}`);

            const notified = observer.userListChanges.count;
            for (const client of [observer, alive, silent]) {
                const list = await client.userListChanges.until(
                    () => !client.chat.userList.includes(silentName) && client.chat.userList,
                    () => `the keep-alive check to drop ${silentName} from ${JSON.stringify(client.chat.userList)}`,
                    dropWithinMs,
                );
                assertSorted(list);
                assert.ok(list.includes(observer.userName) && list.includes(alive.userName), JSON.stringify(list));
            }
            assert.ok(observer.userListChanges.count > notified, 'userListChanged was not called');
            assert.ok(alive.keepAlives.count >= 1, 'the answering client never saw keepAlive');

            // Two more keepAlive signals mean the round that began with the first of them
            // has been checked; a client connecting afterwards gets the list as it is now.
            const seen = alive.keepAlives.count;
            await alive.keepAlives.untilCount(seen + 2, intervalMs * 2 + waitMs);
            const latecomer = await connectForTest(t, serverUrl, flavour);
            const list = latecomer.chat.userList;
            assert.ok(list.includes(alive.userName) && list.includes(observer.userName), JSON.stringify(list));
            assert.ok(!list.includes(silentName), JSON.stringify(list));
            assertNoClientErrors(observer, alive, silent, latecomer);
        });
    });
}
