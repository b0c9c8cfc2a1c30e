// The benchmark object: 10 int properties p0..p9 (notify p0Changed(int)..p9Changed(int)),
// 10 signals s0..s9 without arguments and 10 slots m0..m9 without arguments or result.
// moc expands no macros, so the 10 x 4 declarations are written out.
#pragma once

#include <QObject>

class BenchObject : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int p0 MEMBER m_p0 NOTIFY p0Changed)
    Q_PROPERTY(int p1 MEMBER m_p1 NOTIFY p1Changed)
    Q_PROPERTY(int p2 MEMBER m_p2 NOTIFY p2Changed)
    Q_PROPERTY(int p3 MEMBER m_p3 NOTIFY p3Changed)
    Q_PROPERTY(int p4 MEMBER m_p4 NOTIFY p4Changed)
    Q_PROPERTY(int p5 MEMBER m_p5 NOTIFY p5Changed)
    Q_PROPERTY(int p6 MEMBER m_p6 NOTIFY p6Changed)
    Q_PROPERTY(int p7 MEMBER m_p7 NOTIFY p7Changed)
    Q_PROPERTY(int p8 MEMBER m_p8 NOTIFY p8Changed)
    Q_PROPERTY(int p9 MEMBER m_p9 NOTIFY p9Changed)

public:
    using QObject::QObject;

    // Adds one to every property, then emits every notify signal with the new value.
    void change()
    {
        emit p0Changed(++m_p0);
        emit p1Changed(++m_p1);
        emit p2Changed(++m_p2);
        emit p3Changed(++m_p3);
        emit p4Changed(++m_p4);
        emit p5Changed(++m_p5);
        emit p6Changed(++m_p6);
        emit p7Changed(++m_p7);
        emit p8Changed(++m_p8);
        emit p9Changed(++m_p9);
    }

signals:
    void s0();
    void s1();
    void s2();
    void s3();
    void s4();
    void s5();
    void s6();
    void s7();
    void s8();
    void s9();

    void p0Changed(int value);
    void p1Changed(int value);
    void p2Changed(int value);
    void p3Changed(int value);
    void p4Changed(int value);
    void p5Changed(int value);
    void p6Changed(int value);
    void p7Changed(int value);
    void p8Changed(int value);
    void p9Changed(int value);

public slots:
    void m0() {}
    void m1() {}
    void m2() {}
    void m3() {}
    void m4() {}
    void m5() {}
    void m6() {}
    void m7() {}
    void m8() {}
    void m9() {}

private:
    int m_p0 = 0;
    int m_p1 = 0;
    int m_p2 = 0;
    int m_p3 = 0;
    int m_p4 = 0;
    int m_p5 = 0;
    int m_p6 = 0;
    int m_p7 = 0;
    int m_p8 = 0;
    int m_p9 = 0;
};
