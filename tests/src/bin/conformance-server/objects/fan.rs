//! `Fan` (published as `fan`): fieldless enums in the description's `enums` table,
//! travelling as numbers in parameters, results, properties and signals.

use webchannel::Context;

/// How the fan runs. `Auto` jumps to 5 to show that numbers, not positions, travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
pub(crate) enum Mode {
    Off,
    On,
    Auto = 5,
    Boost,
}

/// A second enum, with a negative value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, webchannel::Enum)]
pub(crate) enum Direction {
    Reverse = -1,
    Still,
    Forward,
}

/// A fan with a mode.
pub(crate) struct Fan {
    mode: Mode,
}

impl Default for Fan {
    fn default() -> Self {
        Self { mode: Mode::On }
    }
}

#[webchannel::object(enums(Mode, Direction))]
impl Fan {
    /// An enum property, writable.
    #[webchannel(property, notify = mode_changed)]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Any mode.
    pub fn set_mode(&mut self, mode: Mode, cx: &Context<Self>) {
        let from = self.mode;
        self.mode = mode;
        cx.mode_changed();
        cx.switched(from, mode);
    }

    /// The mode after `mode`, in declaration order, wrapping around.
    pub fn next(&self, mode: Mode) -> Mode {
        match mode {
            Mode::Off => Mode::On,
            Mode::On => Mode::Auto,
            Mode::Auto => Mode::Boost,
            Mode::Boost => Mode::Off,
        }
    }

    /// Every mode, in declaration order.
    pub fn modes(&self) -> Vec<Mode> {
        vec![Mode::Off, Mode::On, Mode::Auto, Mode::Boost]
    }

    /// The opposite direction.
    pub fn reverse(&self, direction: Direction) -> Direction {
        match direction {
            Direction::Reverse => Direction::Forward,
            Direction::Still => Direction::Still,
            Direction::Forward => Direction::Reverse,
        }
    }

    #[webchannel(signal)]
    fn mode_changed();

    #[webchannel(signal)]
    fn switched(from: Mode, to: Mode);
}
