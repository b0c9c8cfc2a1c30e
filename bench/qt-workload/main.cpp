// qt-workload: the in-process workload (docs/benchmarks.md, "The in-process workload")
// against the installed Qt's QWebChannel; prints one JSON line with the fields of
// `cargo run --example workload`.
// Any warning Qt logs during the run (an unknown method, a bad message) fails it.
#include "workload.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <stdexcept>

namespace {

int g_warnings = 0;
QString g_firstWarning;

void countWarnings(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    std::fprintf(stderr, "qt-workload: Qt says: %s\n", qPrintable(message));
    if (type != QtDebugMsg && type != QtInfoMsg && g_warnings++ == 0)
        g_firstWarning = message;
}

struct Flag
{
    QCommandLineOption option;
    int *value;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Options options;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs the in-process QWebChannel workload and prints one JSON line."));
    parser.addHelpOption();
    const Flag flags[] = {
        {{QStringLiteral("init-iterations"), QStringLiteral("Timed init requests."), QStringLiteral("N")},
         &options.initIterations},
        {{QStringLiteral("invoke-rounds"), QStringLiteral("Timed rounds of calls."), QStringLiteral("N")},
         &options.invokeRounds},
        {{QStringLiteral("invoke-calls"), QStringLiteral("Calls per round."), QStringLiteral("N")},
         &options.invokeCalls},
        {{QStringLiteral("fanout-sessions"), QStringLiteral("Sessions connected to obj0.s0."), QStringLiteral("N")},
         &options.fanoutSessions},
        {{QStringLiteral("fanout-iterations"), QStringLiteral("Timed emissions."), QStringLiteral("N")},
         &options.fanoutIterations},
        {{QStringLiteral("flush-iterations"), QStringLiteral("Timed property flushes."), QStringLiteral("N")},
         &options.flushIterations},
    };
    for (const Flag &flag : flags)
        parser.addOption(flag.option);
    parser.process(app);
    for (const Flag &flag : flags) {
        if (!parser.isSet(flag.option))
            continue;
        bool ok = false;
        *flag.value = parser.value(flag.option).toInt(&ok);
        if (!ok || *flag.value < 1) {
            std::fprintf(stderr, "qt-workload: --%s must be a number of at least 1\n",
                         qPrintable(flag.option.names().front()));
            return 2;
        }
    }

    qInstallMessageHandler(countWarnings);
    Results results;
    try {
        results = runWorkload(options);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "qt-workload: %s\n", error.what());
        return 1;
    }
    if (g_warnings > 0) {
        std::fprintf(stderr, "qt-workload: Qt logged %d warnings, the first: %s\n", g_warnings,
                     qPrintable(g_firstWarning));
        return 1;
    }

    const QJsonObject report{
        {QStringLiteral("init_ns"), results.init.cpuNs},
        {QStringLiteral("init_bytes"), results.initBytes},
        {QStringLiteral("invoke_ns"), results.invoke.cpuNs},
        {QStringLiteral("fanout_ns_per_delivery"), results.fanoutPerDelivery.cpuNs},
        {QStringLiteral("property_flush_ns"), results.propertyFlush.cpuNs},
        {QStringLiteral("wall"),
         QJsonObject{{QStringLiteral("init_ns"), results.init.wallNs},
                     {QStringLiteral("invoke_ns"), results.invoke.wallNs},
                     {QStringLiteral("fanout_ns_per_delivery"), results.fanoutPerDelivery.wallNs},
                     {QStringLiteral("property_flush_ns"), results.propertyFlush.wallNs}}},
        {QStringLiteral("clock"), QStringLiteral("thread CPU time")},
        {QStringLiteral("objects"), kObjects},
        {QStringLiteral("fanout_sessions"), options.fanoutSessions},
        {QStringLiteral("qt_version"), QString::fromLatin1(qVersion())},
        {QStringLiteral("iterations"),
         QJsonObject{{QStringLiteral("init"), options.initIterations},
                     {QStringLiteral("invoke_rounds"), options.invokeRounds},
                     {QStringLiteral("invoke_calls"), options.invokeCalls},
                     {QStringLiteral("fanout"), options.fanoutIterations},
                     {QStringLiteral("flush"), options.flushIterations}}},
    };
    std::printf("%s\n", QJsonDocument(report).toJson(QJsonDocument::Compact).constData());
    return 0;
}
