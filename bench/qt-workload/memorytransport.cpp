// MemoryTransport: JSON text in, JSON text out.
#include "memorytransport.h"

#include <QJsonDocument>
#include <QJsonParseError>

bool MemoryTransport::receive(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return false;
    emit messageReceived(document.object(), this);
    return true;
}

void MemoryTransport::sendMessage(const QJsonObject &message)
{
    m_last = QJsonDocument(message).toJson(QJsonDocument::Compact);
    ++m_sent;
}
