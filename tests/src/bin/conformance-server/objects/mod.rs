//! The test objects, one file each, together using every feature of the protocol.

mod calculator;
mod calendar;
mod control;
mod dial;
mod factory;
mod fan;
mod gates;
mod gauge;
mod item;
mod lobby;
mod overloads;
mod signal_source;
mod values;
mod widget;
mod worker;

pub(crate) use calculator::Calculator;
pub(crate) use calendar::Calendar;
pub(crate) use control::Control;
pub(crate) use dial::Dial;
pub(crate) use factory::Factory;
pub(crate) use fan::Fan;
pub(crate) use gates::Gates;
pub(crate) use gauge::Gauge;
pub(crate) use lobby::Lobby;
pub(crate) use overloads::Overloads;
pub(crate) use signal_source::SignalSource;
pub(crate) use values::Values;
pub(crate) use worker::Worker;
