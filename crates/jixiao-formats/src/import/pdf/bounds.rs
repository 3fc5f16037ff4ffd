//! Whole-document bounds of the PDF reader: what one file may cost in total, whatever each of
//! its streams costs. Two layers:
//!
//! - [`scan`] reads the raw bytes once, before lopdf parses anything, and counts what lopdf
//!   would allocate: indirect object headers (`12 0 obj`, what a rebuilt cross-reference table
//!   holds), cross-reference table lines and the entries that cross-reference streams declare
//!   (`/Size`, `/Index`).
//! - [`filter`], lopdf's load filter, sees every object as it is loaded: it counts them, stops
//!   keeping them past [`MAX_OBJECTS`], and rewrites each object stream so that lopdf parses
//!   each member once, inside its own bytes (see [`isolate_members`]).
//!
//! The filter is a plain `fn`, so its counters live in a thread-local: lopdf loads on the calling
//! thread as long as its `rayon` feature stays off (`tests/import_pdf_bounds.rs` would see the
//! counts go missing otherwise).

use std::cell::RefCell;

use lopdf::{Object, ObjectId, Stream};

use super::{MAX_OBJECTS, MAX_STREAM_BYTES, MAX_TOTAL_DECODED_BYTES};

/// Most cross-reference entries the raw file may declare, over all its sections (table lines,
/// `/Size` and `/Index` counts). Counted generously (a file with one incremental update counts
/// its objects about three times), so it is a multiple of [`MAX_OBJECTS`].
pub const MAX_XREF_ENTRIES: u64 = 4 * MAX_OBJECTS as u64;

/// What [`scan`] counted in the raw bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scan {
    /// `obj` keywords (indirect object headers), an upper bound on what a rebuilt
    /// cross-reference table holds.
    pub headers: usize,
    /// Cross-reference entries declared: table lines plus every `/Size` and `/Index` count.
    pub xref_entries: u64,
}

/// PDF white space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

/// PDF delimiters.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_space(b) && !is_delimiter(b)
}

/// Skips white space and comments from `i`.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if is_space(bytes[i]) {
            i += 1;
        } else if bytes[i] == b'%' {
            while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                i += 1;
            }
        } else {
            break;
        }
    }
    i
}

/// An integer token at `i` (after white space): its value (negative ones as 0, huge ones
/// saturated) and the position after it; `None` when the token is not an integer.
fn integer(bytes: &[u8], i: usize) -> Option<(u64, usize)> {
    let mut j = skip_space(bytes, i);
    let negative = match bytes.get(j) {
        Some(b'-') => {
            j += 1;
            true
        }
        Some(b'+') => {
            j += 1;
            false
        }
        _ => false,
    };
    let start = j;
    let mut value: u64 = 0;
    while let Some(d) = bytes.get(j).filter(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add(u64::from(d - b'0'));
        j += 1;
    }
    if j == start || bytes.get(j).is_some_and(|&b| b == b'.' || is_regular(b)) {
        return None;
    }
    Some((if negative { 0 } else { value }, j))
}

/// The entries an `/Index` array at `i` declares (the sum of its counts), or 0 when it is not an
/// array of integers (lopdf then falls back to `/Size`, which is counted on its own).
fn index_entries(bytes: &[u8], i: usize) -> u64 {
    let mut j = skip_space(bytes, i);
    if bytes.get(j) != Some(&b'[') {
        return 0;
    }
    j += 1;
    let mut total: u64 = 0;
    let mut k = 0usize;
    loop {
        j = skip_space(bytes, j);
        match bytes.get(j) {
            Some(b']') => return total,
            None => return 0,
            _ => {}
        }
        let Some((v, next)) = integer(bytes, j) else {
            return 0;
        };
        if k % 2 == 1 {
            total = total.saturating_add(v);
        }
        k += 1;
        j = next;
    }
}

/// Decodes a name's `#hh` escapes (only needed when the name holds a `#`).
fn decode_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if raw[i] == b'#'
            && let (Some(h), Some(l)) = (
                raw.get(i + 1).and_then(|&b| hex(b)),
                raw.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// Counts, in one pass over the raw bytes, what lopdf would allocate for the file's objects and
/// cross-reference data. It over-counts (stream data and strings are not skipped), never
/// under-counts what lopdf's grammar accepts.
pub fn scan(bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && is_regular(bytes[end]) {
                    end += 1;
                }
                let raw = &bytes[start..end];
                let name = if raw.contains(&b'#') {
                    decode_name(raw)
                } else {
                    raw.to_vec()
                };
                match name.as_slice() {
                    b"Size" => {
                        if let Some((v, _)) = integer(bytes, end) {
                            out.xref_entries = out.xref_entries.saturating_add(v);
                        }
                    }
                    b"Index" => {
                        out.xref_entries =
                            out.xref_entries.saturating_add(index_entries(bytes, end));
                    }
                    _ => {}
                }
                i = end.max(i + 1);
                continue;
            }
            // `12 0 obj`, not `endobj` nor `objx`.
            b'o' if bytes[i..].starts_with(b"obj")
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                && bytes.get(i + 3).is_none_or(|&b| !is_regular(b)) =>
            {
                out.headers += 1;
            }
            // A table line `0000000017 00000 n` as lopdf's lenient grammar reads it: digits,
            // one space, `n` or `f`, then ` \r`, ` \n`, `\r` or `\n`.
            b'n' | b'f'
                if i >= 2
                    && bytes[i - 1] == b' '
                    && bytes[i - 2].is_ascii_digit()
                    && match bytes.get(i + 1) {
                        Some(b'\r' | b'\n') => true,
                        Some(b' ') => matches!(bytes.get(i + 2), Some(b'\r' | b'\n')),
                        _ => false,
                    } =>
            {
                out.xref_entries = out.xref_entries.saturating_add(1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Why a load went over a bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Over {
    /// More than [`MAX_OBJECTS`] objects.
    Objects,
    /// More than [`MAX_TOTAL_DECODED_BYTES`] decoded from object streams.
    Decoded,
    /// An object stream that decodes (or, members isolated, would parse) past
    /// [`MAX_STREAM_BYTES`].
    Stream(ObjectId),
}

/// What the filter counted during one load.
#[derive(Debug, Clone, Default)]
pub struct LoadState {
    /// Objects seen (each object stream's members counted as declared).
    pub objects: usize,
    /// Bytes decoded from object streams.
    pub decoded: usize,
    /// The first bound crossed, if any.
    pub over: Option<Over>,
}

thread_local! {
    static LOAD: RefCell<LoadState> = RefCell::new(LoadState::default());
}

/// Clears the counters before a load.
pub fn reset() {
    LOAD.with_borrow_mut(|s| *s = LoadState::default());
}

/// The counters of the last load on this thread.
pub fn state() -> LoadState {
    LOAD.with_borrow(Clone::clone)
}

/// lopdf's load filter. lopdf calls it for each top-level object (keeping the object it passed
/// in unless this returns `None`) and for each member of an object stream (keeping what this
/// returns), always on the loading thread.
pub fn filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    LOAD.with_borrow_mut(|s| {
        s.objects += 1;
        if s.over.is_some() {
            return None;
        }
        if s.objects > MAX_OBJECTS {
            s.over = Some(Over::Objects);
            return None;
        }
        if let Object::Stream(stream) = object {
            if stream.dict.has_type(b"ObjStm") {
                match isolate_members(stream, s.objects) {
                    Ok(Some(decoded)) => {
                        s.decoded = s.decoded.saturating_add(decoded.bytes);
                        if s.objects + decoded.members > MAX_OBJECTS {
                            s.objects += decoded.members;
                            s.over = Some(Over::Objects);
                            return None;
                        }
                        if s.decoded > MAX_TOTAL_DECODED_BYTES {
                            s.over = Some(Over::Decoded);
                            return None;
                        }
                    }
                    // Unreadable: lenient loading skips it, as lopdf would.
                    Ok(None) => return None,
                    Err(()) => {
                        s.over = Some(Over::Stream(id));
                        return None;
                    }
                }
            }
            // A top-level object: lopdf keeps `object` itself and ignores what is returned,
            // so a stream's content is not copied for nothing (object stream members are never
            // streams).
            return Some((id, Object::Null));
        }
        Some((id, object.clone()))
    })
}

/// What [`isolate_members`] decoded.
#[derive(Debug, Clone, Copy)]
pub struct Decoded {
    /// Members listed in the stream's index.
    pub members: usize,
    /// Bytes decoded.
    pub bytes: usize,
}

/// How many literal strings are still open at the end of `bytes`, read as lopdf reads an object:
/// `(` opens a string (nested ones too), `)` closes one, `\\` escapes the next byte inside a
/// string, and `%` starts a comment outside strings. An escape left pending counts as one more.
fn open_strings(bytes: &[u8]) -> usize {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match (depth, bytes[i]) {
            (0, b'%') => {
                while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') {
                    i += 1;
                }
                continue;
            }
            (_, b'(') => depth += 1,
            (1.., b')') => depth -= 1,
            (1.., b'\\') => {
                if i + 1 == bytes.len() {
                    return depth + 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    depth
}

/// What follows a member's bytes so that lopdf's parse of it ends there: a newline ends a
/// comment, one `)` per open string closes them all, and one more `)` fails any array or
/// dictionary still open (a `)` outside a string is no object). A complete object stops before.
fn fence(member: &[u8]) -> Vec<u8> {
    let mut f = vec![b')'; open_strings(member) + 2];
    f[0] = b'\n';
    f
}

/// Rewrites an object stream so that each member lopdf parses starts at its own copy of its own
/// bytes (from its offset to the next member's offset) followed by a [`fence`]. lopdf parses
/// a member from its offset to wherever the object ends, and its index may point many members at
/// one large object, or at nested arrays that contain the next members: without this, a stream
/// within the size limit parses to far more objects than it holds. Written back decoded, so
/// lopdf does not decode it again.
///
/// `Ok(None)`: not readable as an object stream (lopdf would skip it too); `Err`: decoded or
/// rewritten, it exceeds [`MAX_STREAM_BYTES`].
fn isolate_members(stream: &mut Stream, seen: usize) -> Result<Option<Decoded>, ()> {
    let content = match stream.get_plain_content_with_limit(MAX_STREAM_BYTES) {
        Ok(c) => c,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(());
        }
        Err(_) => return Ok(None),
    };
    let Some(first) = stream
        .dict
        .get(b"First")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|f| usize::try_from(f).ok())
    else {
        return Ok(None);
    };
    let Some(index) = content.get(..first) else {
        return Ok(None);
    };
    let Ok(index) = std::str::from_utf8(index) else {
        return Ok(None);
    };
    // The index read as lopdf reads it: comments end at the end of their line, and a number
    // that does not parse still takes its place in the pairs.
    let numbers: Vec<Option<u32>> = index
        .split(['\r', '\n'])
        .flat_map(|line| {
            line.split('%')
                .next()
                .unwrap_or_default()
                .split_whitespace()
        })
        .map(|n| n.parse().ok())
        .collect();
    let members = numbers.len() / 2;
    let decoded = Decoded {
        members,
        bytes: content.len(),
    };
    if seen + members > MAX_OBJECTS {
        // The caller refuses the file; no need to rewrite.
        return Ok(Some(decoded));
    }
    let pairs: Vec<(u32, usize)> = numbers
        .chunks_exact(2)
        .filter_map(|c| Some((c[0]?, first.checked_add(c[1]? as usize)?)))
        .filter(|&(_, at)| at < content.len())
        .collect();
    let mut starts: Vec<usize> = pairs.iter().map(|&(_, at)| at).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut new_index = String::new();
    let mut body: Vec<u8> = Vec::new();
    for &(id, at) in &pairs {
        let next = starts.partition_point(|&s| s <= at);
        let end = starts.get(next).copied().unwrap_or(content.len());
        let offset = body.len();
        let member = &content[at..end];
        body.extend_from_slice(member);
        body.extend_from_slice(&fence(member));
        if body.len() > MAX_STREAM_BYTES {
            return Err(());
        }
        new_index.push_str(&format!("{id} {offset} "));
    }
    new_index.push('\n');
    let new_first = new_index.len();
    let mut rewritten = new_index.into_bytes();
    rewritten.extend_from_slice(&body);
    if rewritten.len() > MAX_STREAM_BYTES {
        return Err(());
    }
    stream.dict.set("First", new_first as i64);
    stream.dict.set("N", pairs.len() as i64);
    stream.set_plain_content(rewritten);
    Ok(Some(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_headers_table_lines_and_declared_entries() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj<<>>endobj\n\
            xref\n0 3\n0000000000 65535 f \n0000000009 00000 n\r\n0 0 n\n\
            trailer\n<< /Si#7ae 3 /Index [0 2 10 %c\n 5] >>\n";
        let s = scan(pdf);
        assert_eq!(s.headers, 2);
        // 3 table lines + /Size 3 + /Index counts 2 and 5.
        assert_eq!(s.xref_entries, 3 + 3 + 7);
    }

    #[test]
    fn scan_ignores_look_alikes() {
        let s = scan(b"endobj objx /Sizes 5 /Indexed [0 9] /Size 1.5 /Index [0 2.0]");
        assert_eq!(s, Scan::default());
    }

    #[test]
    fn open_strings_follow_lopdf_grammar() {
        assert_eq!(open_strings(b"<< /A [1 2] >>"), 0);
        assert_eq!(open_strings(b"[(a(b)"), 1);
        assert_eq!(open_strings(b"[(a\\)"), 1);
        assert_eq!(open_strings(b"[(a\\"), 2);
        assert_eq!(open_strings(b"% (\n(x%(("), 3);
        assert_eq!(open_strings(b"(a)(b)"), 0);
    }

    #[test]
    fn a_member_ending_inside_a_string_does_not_run_into_the_next() {
        // Member 1 leaves a string open that, unfenced, would swallow member 2.
        let content = b"1 0 2 3\n[(a(b)x)]";
        let mut stream = Stream::new(
            lopdf::dictionary! { "Type" => "ObjStm", "N" => 2, "First" => 8 },
            content.to_vec(),
        );
        isolate_members(&mut stream, 0).unwrap().unwrap();
        let objects = lopdf::ObjectStream::new(&stream).unwrap().objects;
        assert!(!objects.contains_key(&(1, 0)), "{objects:?}");
        assert_eq!(objects.get(&(2, 0)), Some(&Object::string_literal("b")));
    }

    #[test]
    fn members_are_fenced_and_share_nothing() {
        // Two members, the second pointing inside the first.
        let content = b"1 0 2 1\n[[0]]";
        let mut stream = Stream::new(
            lopdf::dictionary! { "Type" => "ObjStm", "N" => 2, "First" => 8 },
            content.to_vec(),
        );
        let d = isolate_members(&mut stream, 0).unwrap().unwrap();
        assert_eq!(d.members, 2);
        let objects = lopdf::ObjectStream::new(&stream).unwrap().objects;
        // Member 1 is `[` fenced: it does not parse, and member 2 is the inner array alone.
        assert!(!objects.contains_key(&(1, 0)), "{objects:?}");
        assert_eq!(
            objects.get(&(2, 0)),
            Some(&Object::Array(vec![Object::Integer(0)]))
        );
    }
}
