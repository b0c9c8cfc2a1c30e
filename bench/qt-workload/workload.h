// The four scenarios of the in-process workload, measured against Qt's QWebChannel.
#pragma once

#include <QByteArray>

struct Options
{
    int initIterations = 200;
    int invokeRounds = 100;
    int invokeCalls = 1000;
    int fanoutSessions = 1000;
    int fanoutIterations = 100;
    int flushIterations = 200;
};

// A median in nanoseconds on this thread's CPU clock (what the report's main fields
// show: other processes on a shared machine do not inflate it) and on the wall clock.
struct Median
{
    double cpuNs = 0;
    double wallNs = 0;
};

// What the Rust example reports, scenario by scenario.
struct Results
{
    Median init;
    qint64 initBytes = 0;
    Median invoke;
    Median fanoutPerDelivery;
    Median propertyFlush;
};

// Runs every scenario; throws std::runtime_error when Qt answers other than expected.
Results runWorkload(const Options &options);

// How many objects are published (obj0..obj99).
constexpr int kObjects = 100;
