// The qwebchannel.js copies the tests drive servers with. They are Qt's code, used as
// found: `npm` is the published package, `qt515` the copy Qt 5.15 installs with its
// examples (LGPL, so it is read from the system at run time and never copied into the repo).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

/** Where Debian's qtwebchannel5-examples puts Qt 5.15's qwebchannel.js. */
export const defaultQt515Path = '/usr/lib/x86_64-linux-gnu/qt5/examples/webchannel/shared/qwebchannel.js';

const loaders = {
    npm: () => require('qwebchannel').QWebChannel,
    qt515: () => loadLooseScript(process.env.QT515_QWEBCHANNEL_JS || defaultQt515Path).QWebChannel,
};

const loaded = new Map();

/** The `QWebChannel` constructor of one flavour (`npm` or `qt515`). */
export function loadQWebChannel(flavour) {
    const load = loaders[flavour];
    if (load === undefined) {
        throw new Error(`unknown qwebchannel.js flavour ${JSON.stringify(flavour)}; known: ${Object.keys(loaders).join(', ')}`);
    }
    if (!loaded.has(flavour)) {
        const QWebChannel = load();
        if (typeof QWebChannel !== 'function') {
            throw new Error(`the ${flavour} qwebchannel.js did not export a QWebChannel constructor`);
        }
        loaded.set(flavour, QWebChannel);
    }
    return loaded.get(flavour);
}

// Qt's file is a plain script that fills in `module.exports` when a `module` exists.
// Running it in a function wrapper in this realm (not through `require`) keeps it
// independent of any package.json near it, and keeps `Promise` the one tests use.
function loadLooseScript(path) {
    let source;
    try {
        source = readFileSync(path, 'utf8');
    } catch (error) {
        throw new Error(`cannot read Qt 5.15's qwebchannel.js at ${path} (install qtwebchannel5-examples or set QT515_QWEBCHANNEL_JS): ${error.message}`);
    }
    const wrapped = vm.runInThisContext(`(function (module, exports) {\n${source}\n})`, { filename: path, lineOffset: -1 });
    const module = { exports: {} };
    wrapped(module, module.exports);
    return module.exports;
}
