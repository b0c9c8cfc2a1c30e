// What the tests run against, read once from the environment, so every file agrees.

/** The WebSocket URL of the chat server under test, e.g. ws://127.0.0.1:12345. */
export const serverUrl = requiredEnv('WEBCHANNEL_URL');

/**
 * Which server is under test: `ours` (the Rust chatserver) or `qt` (Qt's ChatServer example).
 * Tests of behaviour where ours deliberately differs from Qt only run against `ours`.
 */
export const serverKind = oneOf('WEBCHANNEL_SERVER', ['ours', 'qt'], 'ours');

/** True when the Rust chatserver is under test. */
export const isOurServer = serverKind === 'ours';

/** The reason given when a test of our own behaviour is skipped on Qt's server. */
export const onlyOurs = isOurServer ? false : 'Qt\'s ChatServer behaves differently here (see docs/protocol.md, "Where Qt\'s servers differ")';

/** The qwebchannel.js copies to drive the server with (comma separated). */
export const clientFlavours = (process.env.WEBCHANNEL_CLIENTS ?? 'npm,qt515')
    .split(',')
    .map((flavour) => flavour.trim())
    .filter((flavour) => flavour !== '');

/**
 * How long any single wait may take. Everything here happens on loopback, so an event
 * that has not arrived by then is not coming.
 */
export const waitMs = positiveNumber('WEBCHANNEL_WAIT_MS', 5000);

let nameCounter = 0;

/**
 * A user name no other test (nor an earlier run against a long-lived Qt server) uses:
 * Qt's server keeps users of closed connections until its next keep-alive check.
 */
export function uniqueName(prefix) {
    nameCounter += 1;
    const random = Math.random().toString(36).slice(2, 8);
    return `${prefix}-${process.pid}-${nameCounter}-${random}`;
}

function requiredEnv(name) {
    const value = process.env[name];
    if (value === undefined || value === '') {
        throw new Error(`${name} must name the server under test, e.g. ${name}=ws://127.0.0.1:12345`);
    }
    return value;
}

function oneOf(name, allowed, fallback) {
    const value = process.env[name] ?? fallback;
    if (!allowed.includes(value)) {
        throw new Error(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
    }
    return value;
}

/** A positive number of milliseconds from the environment, or `fallback` when unset. */
export function positiveNumber(name, fallback) {
    const text = process.env[name];
    if (text === undefined || text === '') {
        return fallback;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
        throw new Error(`${name} must be a positive number, not ${JSON.stringify(text)}`);
    }
    return value;
}
