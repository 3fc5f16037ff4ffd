//! Reaching the XML behind the ZIP layer. A mutated .xlsx almost never gets past the ZIP reader
//! (every entry carries a CRC-32), so the workbook targets read their input in two ways: bytes
//! that start with `PK` are the whole file; any other input replaces one entry of a seed
//! workbook, which is then zipped again (stored, with correct CRCs): the first byte picks the
//! base workbook and the entry (`entry_input` writes such inputs), the rest is the entry's new
//! content.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The entries of a workbook, sorted by name.
pub fn entries(xlsx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(xlsx)).expect("a seed workbook");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("a seed entry");
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).expect("a seed entry");
        let name = f.name().expect("a seed entry name").to_string();
        out.push((name, bytes));
    }
    out.sort();
    out
}

/// The workbook to read: `data` itself when it starts with `PK`, else one of `bases` with the
/// entry picked by `data[0]` replaced by `data[1..]`.
pub fn workbook(data: &[u8], bases: &[Vec<(String, Vec<u8>)>]) -> Option<Vec<u8>> {
    if data.starts_with(b"PK") {
        return Some(data.to_vec());
    }
    let (&pick, content) = data.split_first()?;
    let base = &bases[pick as usize % bases.len()];
    let index = (pick as usize / bases.len()) % base.len();
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (i, (name, bytes)) in base.iter().enumerate() {
        w.start_file(name.as_str(), opts).ok()?;
        w.write_all(if i == index { content } else { bytes }).ok()?;
    }
    Some(w.finish().ok()?.into_inner())
}
