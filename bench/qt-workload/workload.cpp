// The scenarios: each builds its own channel with the benchmark objects, checks one
// answer in full (untimed), then times repetitions and takes the median.
#include "workload.h"

#include "benchobject.h"
#include "memorytransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebChannel>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double threadCpuNs()
{
    timespec time{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time);
    return double(time.tv_sec) * 1e9 + double(time.tv_nsec);
}

double median(std::vector<double> samples)
{
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const size_t middle = samples.size() / 2;
    return samples.size() % 2 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
}

// Measurements of one scenario on both clocks, taken like the Rust example's.
class Samples
{
public:
    void start()
    {
        m_cpuStart = threadCpuNs();
        m_wallStart = Clock::now();
    }

    // Records the time since start(), divided by the `per` operations it covered.
    void stop(int per = 1)
    {
        const double wall = std::chrono::duration<double, std::nano>(Clock::now() - m_wallStart).count();
        m_cpu.push_back((threadCpuNs() - m_cpuStart) / per);
        m_wall.push_back(wall / per);
    }

    Median median() const { return {::median(m_cpu), ::median(m_wall)}; }

private:
    double m_cpuStart = 0;
    Clock::time_point m_wallStart;
    std::vector<double> m_cpu;
    std::vector<double> m_wall;
};

[[noreturn]] void fail(const QString &what)
{
    throw std::runtime_error(what.toStdString());
}

// A channel publishing obj0..obj99. Members are destroyed in reverse order: the channel
// before the objects it publishes.
struct Published
{
    QObject parent;
    QWebChannel channel;
    std::vector<BenchObject *> objects;

    Published()
    {
        for (int index = 0; index < kObjects; ++index) {
            auto *object = new BenchObject(&parent);
            objects.push_back(object);
            channel.registerObject(QStringLiteral("obj%1").arg(index), object);
        }
    }
};

// Hands `text` to the channel and returns its one answer, parsed.
QJsonObject exchange(MemoryTransport &transport, const QByteArray &text)
{
    const qint64 before = transport.sent();
    if (!transport.receive(text))
        fail(QStringLiteral("not JSON: %1").arg(QString::fromUtf8(text)));
    if (transport.sent() != before + 1)
        fail(QStringLiteral("%1 answers to %2").arg(transport.sent() - before).arg(QString::fromUtf8(text)));
    return QJsonDocument::fromJson(transport.last()).object();
}

QByteArray initRequest(int id)
{
    return QByteArrayLiteral("{\"type\":3,\"id\":") + QByteArray::number(id) + '}';
}

// Initialises `transport` and returns the description of every object.
QJsonObject initialise(MemoryTransport &transport)
{
    const QJsonObject response = exchange(transport, initRequest(0));
    if (response[QStringLiteral("type")].toInt() != 10 || response[QStringLiteral("id")].toInt(-1) != 0)
        fail(QStringLiteral("not an init response"));
    return response[QStringLiteral("data")].toObject();
}

// The index of the entry called `name` in an object's "signals" or "methods" list.
int indexOf(const QJsonObject &object, const QString &list, const QString &name)
{
    for (const QJsonValue &entry : object[list].toArray()) {
        if (entry.toArray().at(0).toString() == name)
            return entry.toArray().at(1).toInt();
    }
    fail(QStringLiteral("no %1 in the %2").arg(name, list));
}

// Every object has p0..p9 at 0 with a compressed notify signal, s0..s9 and m0..m9.
void checkDescription(const QJsonObject &data)
{
    for (int index = 0; index < kObjects; ++index) {
        const QJsonObject object = data[QStringLiteral("obj%1").arg(index)].toObject();
        int properties = 0;
        for (const QJsonValue &entry : object[QStringLiteral("properties")].toArray()) {
            const QJsonArray property = entry.toArray();
            if (!property.at(1).toString().startsWith(QLatin1Char('p')))
                continue;  // objectName, which every QObject has
            if (property.at(2).toArray().at(0).toInt() != 1 || property.at(3).toInt(-1) != 0)
                fail(QStringLiteral("obj%1 describes a property unexpectedly").arg(index));
            ++properties;
        }
        if (properties != 10)
            fail(QStringLiteral("obj%1 has %2 properties").arg(index).arg(properties));
        for (int number = 0; number < 10; ++number) {
            indexOf(object, QStringLiteral("signals"), QStringLiteral("s%1").arg(number));
            indexOf(object, QStringLiteral("methods"), QStringLiteral("m%1").arg(number));
        }
    }
}

void measureInit(const Options &options, Results &results)
{
    Published published;
    MemoryTransport transport;
    published.channel.connectTo(&transport);
    checkDescription(initialise(transport));
    Samples samples;
    for (int id = 1; id <= options.initIterations; ++id) {
        const QByteArray request = initRequest(id);
        const qint64 before = transport.sent();
        samples.start();
        transport.receive(request);
        samples.stop();
        if (transport.sent() != before + 1 || !transport.last().contains("\"type\":10"))
            fail(QStringLiteral("init %1 was not answered").arg(id));
        results.initBytes = transport.last().size();
    }
    results.init = samples.median();
}

QByteArray invokeRequest(int id)
{
    return QByteArrayLiteral("{\"type\":6,\"object\":\"obj7\",\"method\":\"m3\",\"args\":[],\"id\":")
        + QByteArray::number(id) + '}';
}

void measureInvoke(const Options &options, Results &results)
{
    Published published;
    MemoryTransport transport;
    published.channel.connectTo(&transport);
    initialise(transport);
    const QJsonObject answer = exchange(transport, invokeRequest(0));
    if (answer[QStringLiteral("type")].toInt() != 10 || answer[QStringLiteral("id")].toInt() != 0
        || !answer[QStringLiteral("data")].isNull())
        fail(QStringLiteral("obj7.m3() was answered with %1").arg(QString::fromUtf8(transport.last())));
    int nextId = 1;
    Samples samples;
    Samples warmUp;
    // One untimed round warms up.
    for (int round = 0; round <= options.invokeRounds; ++round) {
        std::vector<QByteArray> requests;
        for (int call = 0; call < options.invokeCalls; ++call)
            requests.push_back(invokeRequest(nextId++));
        const qint64 before = transport.sent();
        Samples &into = round > 0 ? samples : warmUp;
        into.start();
        for (const QByteArray &request : requests)
            transport.receive(request);
        into.stop(options.invokeCalls);
        if (transport.sent() != before + options.invokeCalls
            || !transport.last().contains("\"id\":" + QByteArray::number(nextId - 1)))
            fail(QStringLiteral("a round of calls was not answered call by call"));
    }
    results.invoke = samples.median();
}

void measureFanout(const Options &options, Results &results)
{
    Published published;
    std::vector<std::unique_ptr<MemoryTransport>> transports;
    int signal = -1;
    for (int session = 0; session < options.fanoutSessions; ++session) {
        transports.push_back(std::make_unique<MemoryTransport>());
        MemoryTransport &transport = *transports.back();
        published.channel.connectTo(&transport);
        if (signal < 0) {
            const QJsonObject data = initialise(transport);
            signal = indexOf(data[QStringLiteral("obj0")].toObject(), QStringLiteral("signals"), QStringLiteral("s0"));
        } else if (!transport.receive(initRequest(0)) || transport.sent() != 1
                   || !transport.last().contains("\"type\":10")) {
            // Parsing a thousand copies of the description checked once would take longer
            // than the benchmark.
            fail(QStringLiteral("session %1 was not initialised").arg(session));
        }
        transport.receive(QByteArrayLiteral("{\"type\":4}"));
        transport.receive(QByteArrayLiteral("{\"type\":7,\"object\":\"obj0\",\"signal\":")
                          + QByteArray::number(signal) + '}');
    }
    BenchObject *obj0 = published.objects.front();
    const QJsonObject expected{{QStringLiteral("type"), 1},
                               {QStringLiteral("object"), QStringLiteral("obj0")},
                               {QStringLiteral("signal"), signal}};
    Samples samples;
    Samples warmUp;
    // One untimed emission checks what arrives.
    for (int iteration = 0; iteration <= options.fanoutIterations; ++iteration) {
        const qint64 before = transports.front()->sent();
        Samples &into = iteration > 0 ? samples : warmUp;
        into.start();
        emit obj0->s0();
        into.stop(options.fanoutSessions);
        for (const auto &transport : transports) {
            if (transport->sent() != before + 1)
                fail(QStringLiteral("obj0.s0 did not reach every session once"));
        }
        if (iteration == 0 && QJsonDocument::fromJson(transports.back()->last()).object() != expected)
            fail(QStringLiteral("obj0.s0 arrived as %1").arg(QString::fromUtf8(transports.back()->last())));
    }
    results.fanoutPerDelivery = samples.median();
}

// One entry per object with its 10 notify signals and 10 properties at `value`.
void checkUpdate(const QJsonObject &update, int value)
{
    const QJsonArray entries = update[QStringLiteral("data")].toArray();
    if (update[QStringLiteral("type")].toInt() != 2 || entries.size() != kObjects)
        fail(QStringLiteral("expected a propertyUpdate of %1 objects").arg(kObjects));
    for (const QJsonValue &entry : entries) {
        const QJsonObject properties = entry[QStringLiteral("properties")].toObject();
        int atValue = 0;
        for (const QJsonValue &property : properties)
            atValue += property.toInt() == value;
        if (atValue != 10 || entry[QStringLiteral("signals")].toObject().size() != 10)
            fail(QStringLiteral("incomplete update for %1").arg(entry[QStringLiteral("object")].toString()));
    }
}

// Qt sends property updates from a timer (every 50 ms); blocking updates while the
// objects change and unblocking them sends what is pending at once, which times the
// same work without waiting for the timer.
void measureFlush(const Options &options, Results &results)
{
    Published published;
    MemoryTransport transport;
    published.channel.connectTo(&transport);
    initialise(transport);
    Samples samples;
    Samples warmUp;
    // One untimed flush checks the update in full.
    for (int iteration = 0; iteration <= options.flushIterations; ++iteration) {
        published.channel.setBlockUpdates(true);
        transport.receive(QByteArrayLiteral("{\"type\":4}"));
        const qint64 before = transport.sent();
        Samples &into = iteration > 0 ? samples : warmUp;
        into.start();
        for (BenchObject *object : published.objects)
            object->change();
        published.channel.setBlockUpdates(false);
        into.stop();
        if (transport.sent() != before + 1)
            fail(QStringLiteral("%1 messages instead of one propertyUpdate").arg(transport.sent() - before));
        if (iteration == 0)
            checkUpdate(QJsonDocument::fromJson(transport.last()).object(), 1);
    }
    results.propertyFlush = samples.median();
}

} // namespace

Results runWorkload(const Options &options)
{
    Results results;
    measureInit(options, results);
    measureInvoke(options, results);
    measureFanout(options, results);
    measureFlush(options, results);
    return results;
}
