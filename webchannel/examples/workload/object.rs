//! The benchmark object: 10 integer properties `p0`..`p9` with notify signals
//! `p0Changed`..`p9Changed`, 10 plain signals `s0`..`s9` and 10 methods `m0`..`m9` that take
//! nothing and return nothing — the shape of the object in Qt's own QWebChannel benchmarks.

/// One published benchmark object; every property starts at 0.
#[derive(Default)]
pub(crate) struct Bench {
    values: [i32; 10],
}

impl Bench {
    /// Adds one to every property and returns the new values, for the notify signals.
    pub(crate) fn change(&mut self) -> [i32; 10] {
        for value in &mut self.values {
            *value += 1;
        }
        self.values
    }
}

/// Stamps out the published items from one list, so the 10 × 3 items cannot drift apart:
/// the attribute macro sees the expanded impl block.
macro_rules! bench_object {
    ($($index:literal: $property:ident, $notify:ident, $signal:ident, $method:ident;)*) => {
        #[webchannel::object]
        impl Bench {
            $(
                /// One of the ten integer properties.
                #[webchannel(property, notify = $notify)]
                pub fn $property(&self) -> i32 {
                    self.values[$index]
                }
            )*
            $(
                /// Emitted with the new value when the property of the same number changes.
                #[webchannel(signal)]
                fn $notify(value: i32);
            )*
            $(
                /// A plain signal without arguments.
                #[webchannel(signal)]
                fn $signal();
            )*
            $(
                /// A method without arguments or result.
                pub fn $method(&self) {}
            )*
        }

        impl BenchSignals {
            /// Emits every notify signal with the values [`Bench::change`] returned.
            pub(crate) fn notify_all(&self, values: [i32; 10]) {
                $(self.$notify(values[$index]);)*
            }
        }
    };
}

bench_object! {
    0: p0, p0_changed, s0, m0;
    1: p1, p1_changed, s1, m1;
    2: p2, p2_changed, s2, m2;
    3: p3, p3_changed, s3, m3;
    4: p4, p4_changed, s4, m4;
    5: p5, p5_changed, s5, m5;
    6: p6, p6_changed, s6, m6;
    7: p7, p7_changed, s7, m7;
    8: p8, p8_changed, s8, m8;
    9: p9, p9_changed, s9, m9;
}
