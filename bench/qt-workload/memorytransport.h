// An in-memory QWebChannel transport that goes through JSON text both ways, as a
// WebSocket transport does: what a client sends is parsed from text, what the channel
// sends is serialized to text. The client end reads the last text and a count.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QWebChannelAbstractTransport>

class MemoryTransport : public QWebChannelAbstractTransport
{
    Q_OBJECT

public:
    using QWebChannelAbstractTransport::QWebChannelAbstractTransport;

    // A client message: parsed, then handed to the channel (which answers synchronously).
    // Returns false when the text is not a JSON object.
    bool receive(const QByteArray &text);

    // The last message the channel sent, as text, and how many it has sent.
    const QByteArray &last() const { return m_last; }
    qint64 sent() const { return m_sent; }

public slots:
    void sendMessage(const QJsonObject &message) override;

private:
    QByteArray m_last;
    qint64 m_sent = 0;
};
