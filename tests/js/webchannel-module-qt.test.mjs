// Our webchannel.js module writing a property, against Qt's ChatServer only: Qt publishes
// QObject's writable `objectName` (notify `objectNameChanged`), which our chatserver does
// not. The writer's cache changes at once; the server tells everyone else.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MessageType } from '../../webchannel/js/webchannel.js';
import { connectModuleClient } from './lib/module-client.mjs';
import { uniqueName } from './lib/environment.mjs';
import { SignalRecorder } from './lib/signals.mjs';

describe('webchannel.js writes properties (Qt\'s ChatServer)', () => {
    test('an assigned property is sent with setProperty and reaches the other clients', async (t) => {
        const writer = await connectModuleClient(t);
        const reader = await connectModuleClient(t);
        const changes = new SignalRecorder(reader.chat.objectNameChanged, 'objectNameChanged');
        const name = uniqueName('renamed');

        writer.chat.objectName = name;
        assert.equal(writer.chat.objectName, name, 'the writer\'s cache changes at once');
        const [set] = writer.sentOfType(MessageType.setProperty);
        assert.equal(set?.object, 'chatserver');
        assert.equal(set?.value, name);
        assert.ok(Number.isInteger(set?.property), JSON.stringify(set));

        await changes.until(() => reader.chat.objectName === name, () => `objectName at the reader to become ${name}; it is ${reader.chat.objectName}`);
    });
});
