//! A batch: what one publish carries — the frames one node queued while its previous
//! publish was in flight, with the node (so it skips its own).
//!
//! `"wcb2" | node: u64 | count: u32 | count × (length: u32, frame)`, little-endian.

use bytes::{BufMut, Bytes, BytesMut};
use webchannel::cluster::NodeId;

const MAGIC: &[u8; 4] = b"wcb2";
const HEADER: usize = 4 + 8 + 4;

/// A batch as it arrives.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Batch {
    pub(crate) node: NodeId,
    pub(crate) frames: Vec<Bytes>,
}

/// The payload of one batch of `frames`.
pub(crate) fn encode<'a>(node: NodeId, frames: impl ExactSizeIterator<Item = &'a Bytes>) -> Bytes {
    let count = frames.len();
    let mut frames = frames.peekable();
    let mut payload = BytesMut::with_capacity(
        HEADER + count * 4 + frames.peek().map_or(0, |frame| frame.len() * count),
    );
    payload.put_slice(MAGIC);
    payload.put_u64_le(node.get());
    payload.put_u32_le(u32::try_from(count).unwrap_or(u32::MAX));
    for frame in frames {
        payload.put_u32_le(u32::try_from(frame.len()).unwrap_or(u32::MAX));
        payload.put_slice(frame);
    }
    payload.freeze()
}

/// Reads a batch; `None` if `payload` is not one. The frames share `payload`.
pub(crate) fn decode(payload: &Bytes) -> Option<Batch> {
    let rest = payload.strip_prefix(MAGIC)?;
    let (node, rest) = rest.split_first_chunk::<8>()?;
    let (count, mut rest) = rest.split_first_chunk::<4>()?;
    let count = usize::try_from(u32::from_le_bytes(*count)).ok()?;
    // Each frame takes four bytes at least: a count beyond that is a lie.
    let mut frames = Vec::with_capacity(count.min(rest.len() / 4));
    for _ in 0..count {
        let (length, tail) = rest.split_first_chunk::<4>()?;
        let length = usize::try_from(u32::from_le_bytes(*length)).ok()?;
        let start = payload.len() - tail.len();
        frames.push(
            payload.slice(
                start
                    ..start
                        .checked_add(length)
                        .filter(|end| *end <= payload.len())?,
            ),
        );
        rest = &tail[length..];
    }
    rest.is_empty().then(|| Batch {
        node: NodeId::from_u64(u64::from_le_bytes(*node)),
        frames,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_read_back_and_anything_else_does_not() {
        let node = NodeId::random();
        let frames = [
            Bytes::from_static(b"one"),
            Bytes::new(),
            Bytes::from_static(b"three"),
        ];
        let payload = encode(node, frames.iter());
        assert_eq!(
            decode(&payload),
            Some(Batch {
                node,
                frames: frames.to_vec()
            })
        );
        for cut in 0..payload.len() {
            assert_eq!(decode(&payload.slice(..cut)), None, "cut at {cut}");
        }
        let mut longer = payload.to_vec();
        longer.push(0);
        assert_eq!(decode(&Bytes::from(longer)), None, "trailing bytes");
        assert_eq!(decode(&Bytes::from_static(b"garbage")), None);
        let mut lying = payload.to_vec();
        lying[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            decode(&Bytes::from(lying)),
            None,
            "a count beyond the payload"
        );
    }
}
