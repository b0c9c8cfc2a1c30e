// Our webchannel.js module and the keep-alive check: a client that answers `keepAlive`
// stays logged in through the check, while a silent one (the control: it shows that a
// check took place) is dropped. Run against our chatserver and Qt's ChatServer.
//
// The timing comes from WEBCHANNEL_KEEPALIVE_INTERVAL_MS and WEBCHANNEL_KEEPALIVE_GRACE_MS,
// which must match the server's (Qt's: 10000 and 2000); without them the file is skipped.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { connectModuleClient } from './lib/module-client.mjs';
import { positiveNumber, uniqueName, waitMs } from './lib/environment.mjs';

const configured = process.env.WEBCHANNEL_KEEPALIVE_INTERVAL_MS !== undefined;
const intervalMs = positiveNumber('WEBCHANNEL_KEEPALIVE_INTERVAL_MS', 10000);
const graceMs = positiveNumber('WEBCHANNEL_KEEPALIVE_GRACE_MS', 2000);
// Qt cancels a round when someone logs in during it, so the silent user may survive one.
const dropWithinMs = 2 * (intervalMs + graceMs) + waitMs;
const skip = configured ? false : 'set WEBCHANNEL_KEEPALIVE_INTERVAL_MS (and _GRACE_MS) to the server\'s keep-alive timing';

describe('webchannel.js answers keep-alives', { skip }, () => {
    test('the answering client stays through the check that drops the silent one', async (t) => {
        const answering = await connectModuleClient(t);
        const silent = await connectModuleClient(t, { keepAlive: 'ignore' });
        assert.equal(await answering.login(uniqueName('answering')), true);
        const silentName = uniqueName('silent');
        assert.equal(await silent.login(silentName), true);
        await answering.waitForUserList((names) => names.includes(silentName), `include ${silentName}`);

        const list = await answering.waitForUserList(
            (names) => !names.includes(silentName),
            `the keep-alive check to drop ${silentName}`,
            dropWithinMs,
        );
        assert.ok(answering.keepAlives.count >= 1, 'no keepAlive signal arrived');
        assert.ok(list.includes(answering.userName), `${answering.userName} was dropped too: ${JSON.stringify(list)}`);
    });
});
