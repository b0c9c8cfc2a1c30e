//! Qt 5.15 as Debian ships it: its `qwebchannel.js`, its WebChannel chat examples (a QML
//! client and a C++ server) and `qmlscene` to run the client. Qt's files are LGPL/BSD code
//! that the repository must not carry, so they are installed ([`crate::debian`]), not vendored.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::debian::{ensure_packages, package_file};

/// The package holding Qt's chat examples and Qt 5.15's `qwebchannel.js`.
const EXAMPLES_PACKAGE: &str = "qtwebchannel5-examples";
/// The package holding `qmlscene`, which runs the QML client.
const QMLSCENE_PACKAGE: &str = "qmlscene";
/// Everything the QML client runs on: the examples, `qmlscene`, and every QML module the
/// client and its forms import (the packages do not depend on each other).
const QML_CLIENT_PACKAGES: &[&str] = &[
    EXAMPLES_PACKAGE,
    QMLSCENE_PACKAGE,
    "qml-module-qtquick2",
    "qml-module-qtquick-window2",
    "qml-module-qtquick-dialogs",
    "qml-module-qtquick-controls",
    "qml-module-qtquick-controls2",
    "qml-module-qtquick-layouts",
    "qml-module-qt-websockets",
    "qml-module-qtwebchannel",
];
/// The environment variable that points to another `qwebchannel.js` (a Qt build, or a
/// machine without Debian's packages).
const QWEBCHANNEL_JS_VARIABLE: &str = "QT515_QWEBCHANNEL_JS";

/// The path of Qt 5.15's `qwebchannel.js`: `$QT515_QWEBCHANNEL_JS`, or the copy in
/// `qtwebchannel5-examples`, installed first if needed.
pub fn qt515_qwebchannel_js() -> PathBuf {
    if let Some(path) = std::env::var_os(QWEBCHANNEL_JS_VARIABLE) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{QWEBCHANNEL_JS_VARIABLE} is set to {}, which is not a file",
            path.display()
        );
        return path;
    }
    ensure_packages(&[EXAMPLES_PACKAGE]);
    package_file(EXAMPLES_PACKAGE, "/webchannel/shared/qwebchannel.js")
}

/// Where Qt's chat examples and their QML runtime are.
#[derive(Debug)]
pub struct QtExamples {
    /// Qt's QML chat client, `.../chatclient-qml/qmlchatclient.qml`.
    pub chat_client: PathBuf,
    /// Qt's own chat server, `.../chatserver-cpp/chatserver`.
    pub chat_server: PathBuf,
    /// Qt 5's `qmlscene` itself (not qtchooser's wrapper, which needs its own setup).
    pub qmlscene: PathBuf,
}

/// Installs whatever the examples need that is missing (checked once per process) and
/// returns where they are.
pub fn ensure_qt_examples() -> &'static QtExamples {
    static INSTALLED: OnceLock<QtExamples> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        ensure_packages(QML_CLIENT_PACKAGES);
        QtExamples {
            chat_client: package_file(
                EXAMPLES_PACKAGE,
                "/webchannel/chatclient-qml/qmlchatclient.qml",
            ),
            chat_server: package_file(EXAMPLES_PACKAGE, "/webchannel/chatserver-cpp/chatserver"),
            qmlscene: package_file(QMLSCENE_PACKAGE, "/bin/qmlscene"),
        }
    })
}
