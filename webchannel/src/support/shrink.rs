//! How much capacity an emptied queue keeps: an idle session stays small, while steady
//! bursts below the threshold never reallocate.

use std::collections::VecDeque;

/// An empty queue with more capacity than this is shrunk to [`RETAINED`].
const SHRINK_ABOVE: usize = 256;
const RETAINED: usize = 16;

pub(crate) trait ShrinkWhenEmpty {
    /// Gives back the capacity left over from a burst, once the queue is empty.
    fn shrink_when_empty(&mut self);
}

impl<T> ShrinkWhenEmpty for Vec<T> {
    fn shrink_when_empty(&mut self) {
        if self.is_empty() && self.capacity() > SHRINK_ABOVE {
            self.shrink_to(RETAINED);
        }
    }
}

impl<T> ShrinkWhenEmpty for VecDeque<T> {
    fn shrink_when_empty(&mut self) {
        if self.is_empty() && self.capacity() > SHRINK_ABOVE {
            self.shrink_to(RETAINED);
        }
    }
}
