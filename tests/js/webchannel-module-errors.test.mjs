// Our webchannel.js module and failed calls, against our chatserver only: ours answers a
// call that cannot run with a response without `data` plus an `error` reason (Qt answers
// such calls with junk data, so they cannot fail there). The Promise must reject with a
// WebChannelError that carries the reason, and the channel must go on working.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { WebChannelError } from '../../webchannel/js/webchannel.js';
import { connectModuleClient } from './lib/module-client.mjs';
import { uniqueName } from './lib/environment.mjs';

describe('webchannel.js and failed calls (our chatserver)', () => {
    test('a call with the wrong arguments rejects with the server\'s reason', async (t) => {
        const client = await connectModuleClient(t);
        const failure = await client.chat.login().then(
            (value) => assert.fail(`login() resolved with ${JSON.stringify(value)}`),
            (error) => error,
        );
        assert.ok(failure instanceof WebChannelError, String(failure));
        assert.equal(typeof failure.reason, 'string');
        assert.ok(failure.reason.length > 0, 'the reason is empty');
        assert.ok(failure.message.includes(failure.reason), failure.message);

        assert.equal(await client.login(uniqueName('after-error')), true, 'the channel still works');
    });
});
